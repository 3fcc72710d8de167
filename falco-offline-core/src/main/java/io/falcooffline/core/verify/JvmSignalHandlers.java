package io.falcooffline.core.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The JVM's own handlers for SIGTERM, SIGINT and SIGHUP, taken before Helm's native library is loaded and put back
 * after every call into it.
 *
 * <p>helm-java's library is Go built with {@code -buildmode=c-shared}. Go's runtime installs its own handlers when
 * such a library is loaded or when its code asks for signals ({@code os/signal.Notify}, see "Go programs that use
 * cgo" and "Non-Go programs that call Go code" in the documentation of Go's {@code os/signal}); from then on a SIGTERM
 * or Ctrl-C reaches Go instead of the JVM, the JVM's shutdown never starts and a build can only be stopped with
 * SIGKILL. Re-registering the handlers the JVM had installs its signal dispatch again, so the shutdown hooks run (and
 * delete the run's working directories) as in a JVM that never loaded Helm.
 *
 * <p>{@code sun.misc.Signal} lives in the {@code jdk.unsupported} module, which every JDK since 9 ships for exactly
 * this kind of use.
 */
final class JvmSignalHandlers {

    /** The signals the JVM turns into an orderly shutdown. */
    private static final String[] SHUTDOWN_SIGNALS = {"TERM", "INT", "HUP"};

    private final Map<Signal, SignalHandler> handlers;

    private JvmSignalHandlers(Map<Signal, SignalHandler> handlers) {
        this.handlers = handlers;
    }

    /**
     * The handlers now installed. Reading one means replacing it for a moment; the stand-in passes a signal that
     * arrives meanwhile on to the handler read, so none is lost.
     */
    static JvmSignalHandlers capture() {
        Map<Signal, SignalHandler> handlers = new LinkedHashMap<>();
        for (String name : SHUTDOWN_SIGNALS) {
            Signal signal;
            try {
                signal = new Signal(name);
            } catch (IllegalArgumentException unknown) {
                continue; // not a signal on this platform (Windows has no HUP)
            }
            Forwarding standIn = new Forwarding();
            try {
                SignalHandler previous = Signal.handle(signal, standIn);
                standIn.target = previous;
                Signal.handle(signal, previous);
                handlers.put(signal, previous);
            } catch (IllegalArgumentException | IllegalStateException reserved) {
                // -Xrs or an OS reservation: the JVM does not handle this signal, so there is nothing to restore
            }
        }
        return new JvmSignalHandlers(handlers);
    }

    /** Installs the captured handlers again, replacing whatever native code put in their place. */
    void restore() {
        handlers.forEach((signal, handler) -> {
            try {
                Signal.handle(signal, handler);
            } catch (IllegalArgumentException | IllegalStateException reserved) {
                // cannot happen for a signal that could be read in capture(); nothing better to do than keep going
            }
        });
    }

    /** A handler that passes signals on to another, set once known. */
    private static final class Forwarding implements SignalHandler {
        private volatile SignalHandler target;

        @Override
        public void handle(Signal signal) {
            SignalHandler handler = target;
            if (handler != null && handler != SignalHandler.SIG_DFL && handler != SignalHandler.SIG_IGN) {
                handler.handle(signal);
            }
        }
    }
}
