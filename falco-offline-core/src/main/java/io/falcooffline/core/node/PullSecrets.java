package io.falcooffline.core.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The image pull secrets the chart's pods name, and where they must exist. kubelet reads a pod's
 * {@code imagePullSecrets} from the pod's own namespace and skips a Secret that does not exist (the pull then goes
 * out without that login); only {@code kubernetes.io/dockerconfigjson} (or the older {@code dockercfg}) Secrets count
 * (kubernetes {@code pkg/kubelet/kuberuntime/kuberuntime_image.go} {@code PullImage},
 * {@code pkg/credentialprovider/secrets/secrets.go} {@code MakeDockerKeyring}).
 *
 * @param registry the registry the Secrets log in to, {@code host[:port]}
 * @param names every Secret, in order: the {@code imagePullSecrets} option's, then {@code registrySecret}'s
 * @param registrySecret the {@code registrySecret} option's Secret
 * @param falcoctlLogsIn whether falcoctl reads the {@code registrySecret} as its login ({@code delivery=registry})
 * @param namespaces the namespaces the chart's pods run in
 */
public record PullSecrets(
        String registry,
        List<String> names,
        Optional<String> registrySecret,
        boolean falcoctlLogsIn,
        List<String> namespaces) {

    public PullSecrets {
        names = List.copyOf(names);
        namespaces = List.copyOf(namespaces);
    }

    /**
     * The pull secrets of a run: the {@code imagePullSecrets} option's names, and the {@code registrySecret} unless
     * {@code registrySecretAsPullSecret} is off. Each name once.
     */
    public static PullSecrets of(
            String registry,
            List<String> imagePullSecrets,
            Optional<String> registrySecret,
            boolean registrySecretAsPullSecret,
            boolean falcoctlLogsIn,
            List<String> namespaces) {
        Set<String> names = new LinkedHashSet<>(imagePullSecrets);
        if (registrySecretAsPullSecret) {
            registrySecret.ifPresent(names::add);
        }
        return new PullSecrets(registry, new ArrayList<>(names), registrySecret, falcoctlLogsIn, namespaces);
    }

    /** Every Secret the chart names: the pull secrets, and the {@code registrySecret} when falcoctl reads it. */
    public List<String> required() {
        Set<String> all = new LinkedHashSet<>(names);
        registrySecret.filter(name -> falcoctlLogsIn).ifPresent(all::add);
        return List.copyOf(all);
    }

    /** Who reads one of the Secrets. */
    public String usedBy(String name) {
        boolean pulls = names.contains(name);
        boolean falcoctl = falcoctlLogsIn && registrySecret.filter(name::equals).isPresent();
        if (pulls && falcoctl) {
            return "kubelet (image pulls) and falcoctl (artifact pulls)";
        }
        return pulls ? "kubelet (image pulls)" : "falcoctl (artifact pulls)";
    }

    /**
     * The command that creates one of the Secrets in one namespace, with placeholders for the login: the single
     * quotes keep a Harbor robot account's {@code $} ({@code robot$falco}) from the shell.
     */
    public String createCommand(String name, String namespace) {
        return "kubectl create secret docker-registry " + name + " --namespace " + namespace + " --docker-server="
                + registry + " --docker-username='<user>' --docker-password='<password>'";
    }

    /** One line per Secret and namespace: what must exist, who reads it and the command that creates it. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (String name : required()) {
            for (String namespace : namespaces) {
                lines.add("Secret " + name + " (kubernetes.io/dockerconfigjson, the login for " + registry
                        + ") must exist in namespace " + namespace + " before the install; " + usedBy(name)
                        + " read it. Create it with: " + createCommand(name, namespace));
            }
        }
        return lines;
    }
}
