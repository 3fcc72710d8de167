package io.falcooffline.core.node;

import java.util.Map;

/** The README of the nodes directory: the pull secrets, then one section per container runtime. */
final class NodeReadme {

    private NodeReadme() {}

    static String text(RegistryTrust trust, PullSecrets secrets, Map<String, String> installs) {
        String registry = trust.registry();
        boolean plainHttp = trust.kind() == RegistryTrust.Kind.PLAIN_HTTP;
        StringBuilder text = new StringBuilder();
        text.append("# What every node needs to pull the chart's images from ")
                .append(registry)
                .append("\n\nThe images of the chart's pods come from `")
                .append(registry)
                .append(plainHttp ? "` over plain HTTP" : "` over HTTPS with a certificate from a private CA")
                .append(". kubelet and the container runtime pull them on every node that runs one of the pods:")
                .append(" the runtime must ")
                .append(plainHttp ? "be told to speak plain HTTP to" : "trust the CA of")
                .append(" that registry, and kubelet must have its login.\n\n");
        text.append("## 1. The pull secret\n\n");
        if (secrets.required().isEmpty()) {
            text.append("The pods name no image pull secret: the registry must allow anonymous pulls of the chart's")
                    .append(
                            " repositories (set `registrySecret` to the name of a Secret with the login otherwise).\n\n");
        } else {
            text.append("kubelet reads image pull secrets from the pod's own namespace; a missing Secret is skipped")
                    .append(" and the pull fails with 401 (ImagePullBackOff). Before `helm install`:\n\n```sh\n");
            for (String name : secrets.required()) {
                for (String namespace : secrets.namespaces()) {
                    text.append(secrets.createCommand(name, namespace)).append('\n');
                }
            }
            text.append("```\n\nFor a Harbor robot account the user is `robot$<name>` (the single quotes keep the `$`")
                    .append(" from the shell), the password its secret.\n\n");
        }
        text.append(
                        "## 2. The container runtime\n\nOn every node, as root, in a copy of this directory, for the runtime")
                .append(" the node uses (`kubectl get nodes -o wide` shows it):\n\n");
        text.append("### containerd (1.5 or later)\n\n```sh\n");
        appendInstalls(text, installs, NodeFiles.CONTAINERD);
        text.append("```\n\ncontainerd reads `")
                .append(ContainerdHosts.CERTS_DIRECTORY)
                .append("` only when its CRI plugin's `config_path` names it: check with")
                .append(" `containerd config dump | grep config_path`. containerd 2.x uses")
                .append(" `/etc/containerd/certs.d:/etc/docker/certs.d` when `config.toml` sets no registry options;")
                .append(" otherwise set it in `/etc/containerd/config.toml` and restart containerd")
                .append(" (`systemctl restart containerd`):\n\n```toml\n")
                .append("# containerd 2.x (config version 3)\n")
                .append("[plugins.\"io.containerd.cri.v1.images\".registry]\n")
                .append("  config_path = \"/etc/containerd/certs.d\"\n\n")
                .append("# containerd 1.x (config version 2)\n")
                .append("[plugins.\"io.containerd.grpc.v1.cri\".registry]\n")
                .append("  config_path = \"/etc/containerd/certs.d\"\n```\n\n")
                .append("`mirrors` or `configs` under that `registry` table cannot be combined with `config_path`:")
                .append(" move them to `hosts.toml` files. Changes to `hosts.toml` need no restart. Check with")
                .append(" `crictl pull --creds '<user>:<password>' ")
                .append(registry)
                .append("/<repository>:<tag>` (an image of `falco-offline.plan.json`).\n\n");
        text.append("### CRI-O\n\n```sh\n");
        appendInstalls(text, installs, NodeFiles.CRI_O);
        text.append("```\n\n")
                .append(
                        plainHttp
                                ? "Then `systemctl reload crio` (CRI-O reads the registries configuration again on reload).\n\n"
                                : "CRI-O reads the CA at every pull; no restart.\n\n");
        text.append("### Docker Engine (cri-dockerd)\n\n");
        if (plainHttp) {
            text.append("Add the registry to `insecure-registries` in `/etc/docker/daemon.json`, keeping what is")
                    .append(" there, and restart Docker (`systemctl restart docker`):\n\n```json\n")
                    .append("{ \"insecure-registries\": [\"")
                    .append(registry)
                    .append("\"] }\n```\n");
        } else {
            text.append("```sh\n");
            appendInstalls(text, installs, NodeFiles.DOCKER);
            text.append("```\n\nDocker reads the CA at every pull; no restart.\n");
        }
        return text.toString();
    }

    private static void appendInstalls(StringBuilder text, Map<String, String> installs, String runtime) {
        installs.forEach((path, nodePath) -> {
            if (path.startsWith(runtime + "/")) {
                text.append("install -D -m 0644 ")
                        .append(path)
                        .append(' ')
                        .append(nodePath)
                        .append('\n');
            }
        });
    }
}
