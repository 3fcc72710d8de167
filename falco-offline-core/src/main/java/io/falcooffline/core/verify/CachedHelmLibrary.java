package io.falcooffline.core.verify;

import com.marcnuri.helm.jni.HelmLib;
import com.marcnuri.helm.jni.NativeLibrary;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * helm-java's native library for this platform, loaded from {@link HelmLibraryCache} instead of a fresh temporary
 * copy. Internal: public only because {@link java.util.ServiceLoader} instantiates it.
 *
 * <p>helm-java loads its library once per JVM, in a holder every {@code Helm} call shares, with the first
 * {@link NativeLibrary} service the context class loader offers. Loading a second copy of the library into the same
 * JVM would start a second Go runtime, so the engine does not load one of its own: its first call into helm-java runs
 * with {@link Choice} as the context class loader, which offers this class as the only service, and helm-java's holder
 * then keeps the cached library for every later call, the engine's and anyone else's. When another helm-java call came
 * first, the holder already has helm-java's own copy and that one is shared instead.
 */
public final class CachedHelmLibrary implements NativeLibrary {

    private final NativeLibrary platform;
    private final HelmLibraryCache cache;

    /** Made by {@link java.util.ServiceLoader} while {@link Choice} is the context class loader. */
    public CachedHelmLibrary() {
        if (!(Thread.currentThread().getContextClassLoader() instanceof Choice choice)) {
            throw new IllegalStateException(
                    "CachedHelmLibrary is offered only by the render verification's own class loader");
        }
        this.platform = choice.platform;
        this.cache = choice.cache;
    }

    @Override
    public String getBinaryName() {
        return platform.getBinaryName();
    }

    /** The cached library; helm-java's own unpacking into a temporary directory when the cache cannot be used. */
    @Override
    public HelmLib load() {
        Optional<Path> cached = cache.library(platform.getClass().getResource("/" + platform.getBinaryName()));
        if (cached.isPresent()) {
            try {
                return Native.load(cached.get().toString(), HelmLib.class);
            } catch (UnsatisfiedLinkError e) {
                // e.g. a cache on a file system mounted noexec: unpack where helm-java does
            }
        }
        return platform.load();
    }

    /**
     * The context class loader of the engine's calls into helm-java: classes and resources as {@code parent} has
     * them, but {@link CachedHelmLibrary} as the one {@link NativeLibrary} service, wrapping {@code platform}.
     */
    static final class Choice extends ClassLoader {

        private static final String SERVICE = "META-INF/services/" + NativeLibrary.class.getName();

        /** A service file naming {@link CachedHelmLibrary}, kept out of META-INF/services so no one else finds it. */
        private static final URL PROVIDER = CachedHelmLibrary.class.getResource("helm-native-library.provider");

        private final NativeLibrary platform;
        private final HelmLibraryCache cache;

        Choice(ClassLoader parent, NativeLibrary platform, HelmLibraryCache cache) {
            super(parent);
            this.platform = platform;
            this.cache = cache;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (SERVICE.equals(name) && PROVIDER != null) {
                return Collections.enumeration(List.of(PROVIDER));
            }
            return super.getResources(name);
        }
    }
}
