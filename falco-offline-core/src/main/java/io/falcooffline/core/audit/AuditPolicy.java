package io.falcooffline.core.audit;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-apiserver's audit policy: falco-offline's default, and the checks a user's own policy must pass before it is
 * handed to kube-apiserver, which would otherwise refuse to start.
 */
public final class AuditPolicy {

    /** The only policy version current Kubernetes reads (v1alpha1 and v1beta1 were removed in 1.24). */
    public static final String API_VERSION = "audit.k8s.io/v1";

    static final List<String> LEVELS = List.of("None", "Metadata", "Request", "RequestResponse");
    private static final Set<String> STAGES = Set.of("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic");
    private static final Set<String> POLICY_KEYS =
            Set.of("apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields");
    private static final Set<String> RULE_KEYS = Set.of(
            "level",
            "users",
            "userGroups",
            "verbs",
            "resources",
            "namespaces",
            "nonResourceURLs",
            "omitStages",
            "omitManagedFields");
    private static final Set<String> RESOURCE_KEYS = Set.of("group", "resources", "resourceNames");

    private AuditPolicy() {}

    /**
     * falco-offline's default policy. It records workloads, exec and RBAC changes with their bodies, which the k8s
     * audit rules inspect; secrets and config maps only as metadata, so their content never leaves the API server;
     * every other request as metadata; and drops the control plane's and the nodes' read-only traffic, leases,
     * events and health checks, which are most of the volume and nothing the rules look at.
     */
    public static String defaultPolicy() {
        return """
                # kube-apiserver audit policy for Falco's k8s audit rules, written by falco-offline.
                # kube-apiserver applies the first rule that matches a request.
                apiVersion: audit.k8s.io/v1
                kind: Policy
                # One event per request, when the response is known.
                omitStages:
                  - RequestReceived
                rules:
                  # Read-only traffic of the control plane and the nodes: most of the volume, nothing the rules use.
                  - level: None
                    users:
                      - system:kube-proxy
                      - system:kube-scheduler
                      - system:kube-controller-manager
                      - system:apiserver
                    verbs: [get, list, watch]
                  - level: None
                    userGroups: [system:nodes]
                    verbs: [get, list, watch]
                  # Leader election, node heartbeats and events change all the time.
                  - level: None
                    resources:
                      - group: coordination.k8s.io
                        resources: [leases]
                      - group: ""
                        resources: [events]
                      - group: events.k8s.io
                        resources: [events]
                  # Health checks and API discovery.
                  - level: None
                    nonResourceURLs:
                      - /healthz*
                      - /livez*
                      - /readyz*
                      - /version*
                      - /metrics
                      - /openapi*
                      - /api
                      - /apis*
                  # Secrets, config maps and tokens may hold credentials: who touched them, never their content.
                  # Raise configmaps to Request for the rule "Create/Modify Configmap With Private Credentials",
                  # at the cost of sending their content to Falco.
                  - level: Metadata
                    resources:
                      - group: ""
                        resources: [secrets, configmaps, serviceaccounts/token]
                      - group: authentication.k8s.io
                        resources: [tokenreviews]
                  # Exec, attach, port-forward and ephemeral containers: the request says what was run.
                  - level: Request
                    resources:
                      - group: ""
                        resources: [pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers]
                  # Changes to workloads, services and RBAC: request and response, which the rules inspect.
                  - level: RequestResponse
                    verbs: [create, update, patch, delete, deletecollection]
                    resources:
                      - group: ""
                        resources: [pods, services, serviceaccounts, namespaces, nodes]
                      - group: apps
                        resources: [deployments, daemonsets, statefulsets, replicasets]
                      - group: batch
                        resources: [jobs, cronjobs]
                      - group: rbac.authorization.k8s.io
                        resources: [roles, rolebindings, clusterroles, clusterrolebindings]
                      - group: networking.k8s.io
                        resources: [ingresses]
                  # Everything else: who did what, and when.
                  - level: Metadata
                """;
    }

    /**
     * Checks a policy the way kube-apiserver loads it.
     *
     * @param text the policy file's content
     * @param sourceName names the file in messages
     * @return warnings about a policy that is valid but starves Falco's rules or doubles the traffic
     * @throws InvalidRequestException naming {@code auditPolicyFile}, the rule and the field at fault
     */
    public static List<String> validate(String text, String sourceName) {
        Map<String, Object> policy;
        try {
            policy = SafeYaml.loadMap(text, sourceName);
        } catch (FalcoOfflineException e) {
            throw invalid(e.getMessage());
        }
        String apiVersion = Values.string(policy.get("apiVersion"));
        if (!apiVersion.equals(API_VERSION)) {
            throw invalid(sourceName + " has apiVersion '" + apiVersion + "', but kube-apiserver reads only "
                    + API_VERSION + " policies (v1alpha1 and v1beta1 were removed in Kubernetes 1.24). Set"
                    + " apiVersion: " + API_VERSION + "; the fields are the same.");
        }
        if (!"Policy".equals(Values.string(policy.get("kind")))) {
            throw invalid(sourceName + " has kind '" + Values.string(policy.get("kind"))
                    + "', but an audit policy is kind: Policy.");
        }
        for (String key : policy.keySet()) {
            if (!POLICY_KEYS.contains(key)) {
                throw invalid(sourceName + " has an unknown field '" + key + "': a Policy has "
                        + String.join(", ", sorted(POLICY_KEYS)) + ".");
            }
        }
        checkStages(policy.get("omitStages"), sourceName, "omitStages");
        Object rules = policy.get("rules");
        if (!(rules instanceof List<?> ruleList) || ruleList.isEmpty()) {
            throw invalid(sourceName + " has no rules list: kube-apiserver refuses a policy with no rules. Add"
                    + " at least one, e.g. '- level: Metadata'.");
        }
        List<String> levels = new ArrayList<>();
        for (int i = 0; i < ruleList.size(); i++) {
            levels.add(checkRule(ruleList.get(i), sourceName + " rules[" + i + "]"));
        }

        List<String> warnings = new ArrayList<>();
        if (!Values.list(policy.get("omitStages")).contains("RequestReceived")) {
            warnings.add(sourceName + " does not omit the RequestReceived stage: kube-apiserver sends most requests"
                    + " twice. Add 'omitStages: [RequestReceived]'.");
        }
        if (levels.stream().allMatch("None"::equals)) {
            warnings.add(sourceName + " sets every rule to level None: kube-apiserver sends Falco nothing.");
            return warnings;
        }
        String podCreate = levelFor(ruleList, "", "pods", "create");
        if (LEVELS.indexOf(podCreate) < LEVELS.indexOf("Request")) {
            warnings.add(sourceName + " records pod creation at level " + podCreate
                    + ": rules such as \"Create Privileged Pod\" read the request body and need Request or"
                    + " RequestResponse.");
        }
        String roleCreate = levelFor(ruleList, "rbac.authorization.k8s.io", "clusterroles", "create");
        if (LEVELS.indexOf(roleCreate) < LEVELS.indexOf("Request")) {
            warnings.add(sourceName + " records ClusterRole creation at level " + roleCreate
                    + ": rules such as \"ClusterRole With Wildcard Created\" read the request body and need"
                    + " Request or RequestResponse.");
        }
        return warnings;
    }

    private static String checkRule(Object item, String where) {
        if (!(item instanceof Map<?, ?>)) {
            throw invalid(where + " is not a mapping: each rule is '- level: ...' with optional selectors.");
        }
        Map<String, Object> rule = Values.map(item);
        for (String key : rule.keySet()) {
            if (!RULE_KEYS.contains(key)) {
                throw invalid(where + " has an unknown field '" + key + "': a rule has "
                        + String.join(", ", sorted(RULE_KEYS)) + ".");
            }
        }
        String level = Values.string(rule.get("level"));
        if (!LEVELS.contains(level)) {
            throw invalid(
                    where + ".level is '" + level + "', but it must be one of " + String.join(", ", LEVELS) + ".");
        }
        for (String key : List.of("users", "userGroups", "verbs", "namespaces", "nonResourceURLs")) {
            requireStrings(rule.get(key), where + "." + key);
        }
        checkStages(rule.get("omitStages"), where, "omitStages");
        boolean resources = rule.get("resources") != null;
        boolean nonResource = rule.get("nonResourceURLs") != null;
        if (resources && nonResource) {
            throw invalid(where + " has both resources and nonResourceURLs; a rule matches one or the other. Split"
                    + " it in two.");
        }
        if (nonResource && rule.get("namespaces") != null) {
            throw invalid(where + " has namespaces with nonResourceURLs, which belong to no namespace. Remove"
                    + " namespaces.");
        }
        for (Object url : Values.list(rule.get("nonResourceURLs"))) {
            String text = Values.string(url);
            if (!text.startsWith("/") || text.indexOf('*') >= 0 && text.indexOf('*') != text.length() - 1) {
                throw invalid(where + ".nonResourceURLs has '" + text
                        + "': each must start with '/' and may end with one '*'.");
            }
        }
        if (resources) {
            if (!(rule.get("resources") instanceof List<?> groups)) {
                throw invalid(where + ".resources must be a list of {group, resources, resourceNames}.");
            }
            for (int i = 0; i < groups.size(); i++) {
                String groupWhere = where + ".resources[" + i + "]";
                if (!(groups.get(i) instanceof Map<?, ?>)) {
                    throw invalid(groupWhere + " must be a mapping {group, resources, resourceNames}.");
                }
                Map<String, Object> group = Values.map(groups.get(i));
                for (String key : group.keySet()) {
                    if (!RESOURCE_KEYS.contains(key)) {
                        throw invalid(groupWhere + " has an unknown field '" + key + "': it has group, resources"
                                + " and resourceNames.");
                    }
                }
                Object groupName = group.get("group");
                if (groupName != null && !(groupName instanceof String)) {
                    throw invalid(groupWhere + ".group must be a string (\"\" for the core group).");
                }
                requireStrings(group.get("resources"), groupWhere + ".resources");
                requireStrings(group.get("resourceNames"), groupWhere + ".resourceNames");
            }
        }
        return level;
    }

    private static void checkStages(Object stages, String where, String key) {
        requireStrings(stages, where + "." + key);
        for (Object stage : Values.list(stages)) {
            if (!STAGES.contains(Values.string(stage))) {
                throw invalid(where + "." + key + " has '" + stage + "', but stages are "
                        + String.join(", ", sorted(STAGES)) + ".");
            }
        }
    }

    private static void requireStrings(Object value, String where) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> list) || list.stream().anyMatch(item -> !(item instanceof String))) {
            throw invalid(where + " must be a list of strings.");
        }
    }

    /**
     * The level the first matching rule gives a request by an ordinary user in an ordinary namespace. Rules that
     * select users, groups or namespaces are skipped: they do not decide for everyone.
     */
    static String levelFor(List<?> rules, String group, String resource, String verb) {
        for (Object item : rules) {
            Map<String, Object> rule = Values.map(item);
            if (rule.get("users") != null
                    || rule.get("userGroups") != null
                    || rule.get("namespaces") != null
                    || rule.get("nonResourceURLs") != null) {
                continue;
            }
            List<?> verbs = Values.list(rule.get("verbs"));
            if (rule.get("verbs") != null && !verbs.contains(verb) && !verbs.contains("*")) {
                continue;
            }
            if (rule.get("resources") == null || matchesResource(Values.list(rule.get("resources")), group, resource)) {
                return Values.string(rule.get("level"));
            }
        }
        return "None";
    }

    private static boolean matchesResource(List<?> groups, String group, String resource) {
        for (Object item : groups) {
            Map<String, Object> entry = Values.map(item);
            String entryGroup = Values.string(entry.get("group"));
            if (!entryGroup.equals(group) && !entryGroup.equals("*")) {
                continue;
            }
            if (entry.get("resourceNames") != null) {
                continue;
            }
            List<?> resources = Values.list(entry.get("resources"));
            if (entry.get("resources") == null || resources.contains(resource) || resources.contains("*")) {
                return true;
            }
        }
        return false;
    }

    /** The default policy, or the user's file after validation, with the warnings about it. */
    record Loaded(String text, List<String> warnings) {}

    static Loaded load(Optional<Path> policyFile) {
        if (policyFile.isEmpty()) {
            return new Loaded(defaultPolicy(), List.of());
        }
        Path file = policyFile.get();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException(
                    "auditPolicyFile",
                    "auditPolicyFile " + file + " cannot be read (" + e.getMessage() + "): point it at a readable"
                            + " audit policy YAML file.");
        }
        return new Loaded(text, validate(text, file.toString()));
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("auditPolicyFile", message);
    }
}
