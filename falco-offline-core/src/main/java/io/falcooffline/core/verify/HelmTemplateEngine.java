package io.falcooffline.core.verify;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.jni.NativeLibrary;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;

/**
 * Helm's own template engine through helm-java: the only class that touches helm-java, loaded on the first
 * verification that needs it.
 *
 * <p>helm-java ships Helm as one native library per platform (darwin-amd64, darwin-arm64, linux-amd64, linux-arm64,
 * windows-amd64), found with {@link java.util.ServiceLoader}. When none is found, its own lookup downloads one from
 * Maven Central, which an air-gapped build must never try: the library is looked for here with the service loader
 * alone, and helm-java is called only once it is known to be there. helm-java loads its library once per JVM; every
 * engine shares that one. Where the download cache is usable, that library is unpacked there once and loaded from
 * there by later runs ({@link HelmLibraryCache}, {@link CachedHelmLibrary}).
 */
final class HelmTemplateEngine implements TemplateEngine {

    /** Taken before helm-java's first call loads Go's runtime into this JVM, which replaces them. */
    private static final JvmSignalHandlers JVM_SIGNAL_HANDLERS = JvmSignalHandlers.capture();

    /** The context class loader of every call: helm-java finds its native library through it on the first. */
    private final ClassLoader nativeLibraries;

    private HelmTemplateEngine(ClassLoader nativeLibraries) {
        this.nativeLibraries = nativeLibraries;
    }

    /**
     * The engine, when the class loader provides helm-java's native library for this platform, unpacked as helm-java
     * does into a temporary directory of its own.
     */
    static EngineLoad load(ClassLoader nativeLibraries) {
        return load(nativeLibraries, Optional.empty());
    }

    /**
     * The engine, when the class loader provides helm-java's native library for this platform, kept in
     * {@code libraryCache} when given (see {@link HelmLibraryCache}).
     */
    static EngineLoad load(ClassLoader nativeLibraries, Optional<HelmLibraryCache> libraryCache) {
        NativeLibrary library;
        try {
            library = NativeLibrary.serviceProviderLibrary(nativeLibraries);
        } catch (ServiceConfigurationError e) {
            return EngineLoad.missing(
                    "helm-java's native library for " + platform() + " cannot be loaded: " + e.getMessage());
        }
        if (library == null) {
            return EngineLoad.missing("helm-java has no native library for " + platform()
                    + " on the class path (it publishes com.marcnuri.helm-java:darwin-amd64, darwin-arm64,"
                    + " linux-amd64, linux-arm64 and windows-amd64)");
        }
        HelmTemplateEngine engine = new HelmTemplateEngine(libraryCache
                .<ClassLoader>map(cache -> new CachedHelmLibrary.Choice(nativeLibraries, library, cache))
                .orElse(nativeLibraries));
        try {
            engine.withLibraryLoader(() -> Helm.version().call());
        } catch (RuntimeException | LinkageError e) {
            return EngineLoad.missing("helm-java's native library " + library.getBinaryName() + " does not load on "
                    + platform() + ": " + e);
        }
        return EngineLoad.loaded(engine);
    }

    @Override
    public String template(Path chart, String release, String namespace) {
        return withLibraryLoader(() -> Helm.template(chart.toString())
                .withName(release)
                .withNamespace(namespace)
                .call());
    }

    /**
     * helm-java finds its library through the context class loader on first use: make that the checked one. Go's
     * runtime takes SIGTERM and SIGINT when it is loaded, and Helm's code may take them again during a call (a render
     * can last up to its deadline), so the JVM's handlers are put back every {@value #RESTORE_MILLIS} ms while a call
     * runs and once more after it: Ctrl-C and {@code kill} keep stopping the build, also in the middle of a render.
     */
    private <T> T withLibraryLoader(java.util.function.Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(nativeLibraries);
        Thread keeper = new Thread(HelmTemplateEngine::keepJvmSignalHandlers, "falco-offline-signal-handlers");
        keeper.setDaemon(true);
        keeper.start();
        try {
            return call.get();
        } finally {
            keeper.interrupt();
            thread.setContextClassLoader(previous);
            JVM_SIGNAL_HANDLERS.restore();
        }
    }

    /** How often the JVM's signal handlers are put back while Helm's code runs. */
    private static final long RESTORE_MILLIS = 100;

    private static void keepJvmSignalHandlers() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(RESTORE_MILLIS);
                JVM_SIGNAL_HANDLERS.restore();
            }
        } catch (InterruptedException e) {
            // the call returned
        }
    }

    private static String platform() {
        return System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "-"
                + System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
    }
}
