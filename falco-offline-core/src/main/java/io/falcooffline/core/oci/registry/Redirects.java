package io.falcooffline.core.oci.registry;

import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.SafeText;
import java.net.URI;

/** Where a registry's redirect leads: only http(s) with a host, so a file:, ftp: or jar: target never fails raw. */
final class Redirects {

    private Redirects() {}

    /**
     * @param what names the redirected request in messages, e.g. {@code Registry r.io redirected GET blob …}
     * @throws RegistryException naming the target (without its query) and the fix when it is not http(s) with a host
     */
    static URI target(URI from, String location, int status, String what) {
        URI target;
        try {
            target = from.resolve(location);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || !target.toString().matches("(?i)https?://.*") || target.getHost() == null) {
            throw new RegistryException(
                    status,
                    what + " to " + SafeText.quote(location.split("[?#]", 2)[0]) + ", which is not an http(s) URL"
                            + " with a host; falco-offline follows only those. Check the registry's storage redirect"
                            + " settings.",
                    null);
        }
        return target;
    }
}
