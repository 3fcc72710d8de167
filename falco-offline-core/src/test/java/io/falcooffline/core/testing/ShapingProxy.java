package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a loopback port that makes a server on the same machine look as if it stood across a wide-area link:
 * a round-trip time, a throughput limit per connection and a throughput limit for all connections together.
 *
 * <p>How the link is modelled. Each direction of each connection is a delay line: bytes read from one side first pass
 * the connection's own token bucket and then the link's shared one (both sized in bytes per second, with a burst of
 * 64 KiB), which is the time they take to be sent; then they travel for half the round-trip time before they are
 * written to the other side. So a request and its response together cost one round trip, a bulk transfer starts after
 * half a round trip and then streams at the rate its buckets allow, and however many requests a kept-alive connection
 * carries, each turn pays the round trip again. Opening a connection costs one more round trip (the TCP handshake)
 * before the upstream connection is made. The two directions have buckets of their own, as on a full-duplex link. A
 * bounded queue per direction holds the bytes in flight (at least twice rate × one-way delay, so the delay never caps
 * the rate); when it is full, the reader stops reading and TCP's flow control slows the sender, as a real link does.
 *
 * <p>What it does not model: packet loss, slow start, TLS handshakes and a congestion window that grows with time;
 * the per-connection limit stands for the throughput one TCP stream gets across the internet (window / RTT).
 */
public final class ShapingProxy implements AutoCloseable {

    /** The burst a bucket allows: one full read buffer. */
    private static final int BURST_BYTES = 64 * 1024;

    private static final int MIN_IN_FLIGHT_BYTES = 1024 * 1024;

    /**
     * A link's shape.
     *
     * @param roundTrip the round-trip time
     * @param perConnectionBytesPerSecond what one connection gets in each direction; 0 for no limit
     * @param totalBytesPerSecond what all connections together get in each direction; 0 for no limit
     */
    public record Shape(Duration roundTrip, long perConnectionBytesPerSecond, long totalBytesPerSecond) {

        public Shape {
            if (roundTrip.isNegative() || perConnectionBytesPerSecond < 0 || totalBytesPerSecond < 0) {
                throw new IllegalArgumentException("A link shape has no negative delay or rate: " + roundTrip + ", "
                        + perConnectionBytesPerSecond + ", " + totalBytesPerSecond);
            }
        }

        /** A shape given in milliseconds and MiB/s, as the benchmark's settings are. */
        public static Shape of(long roundTripMillis, long perConnectionMiBps, long totalMiBps) {
            return new Shape(Duration.ofMillis(roundTripMillis), perConnectionMiBps << 20, totalMiBps << 20);
        }

        /** For reports: {@code 40 ms RTT, 30 MiB/s per connection, 120 MiB/s in all}. */
        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d ms RTT, %s per connection, %s in all",
                    roundTrip.toMillis(),
                    rate(perConnectionBytesPerSecond),
                    rate(totalBytesPerSecond));
        }

        private static String rate(long bytesPerSecond) {
            return bytesPerSecond == 0
                    ? "unlimited"
                    : bytesPerSecond % (1 << 20) == 0
                            ? (bytesPerSecond >> 20) + " MiB/s"
                            : String.format(Locale.ROOT, "%.1f MiB/s", bytesPerSecond / 1048576.0);
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Shape shape;
    private final TokenBucket totalDown;
    private final TokenBucket totalUp;
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private ShapingProxy(ServerSocket server, InetSocketAddress upstream, Shape shape) {
        this.server = server;
        this.upstream = upstream;
        this.shape = shape;
        this.totalDown = TokenBucket.of(shape.totalBytesPerSecond());
        this.totalUp = TokenBucket.of(shape.totalBytesPerSecond());
        SocketAcceptor.start(
                server,
                "shaping-proxy",
                client -> {
                    connections.incrementAndGet();
                    open.add(client);
                },
                this::connect);
    }

    /**
     * Starts a proxy on a free loopback port in front of {@code upstreamHost}.
     *
     * @param upstreamHost the server as {@code host:port}
     */
    public static ShapingProxy start(String upstreamHost, Shape shape) {
        int colon = upstreamHost.lastIndexOf(':');
        InetSocketAddress upstream = new InetSocketAddress(
                upstreamHost.substring(0, colon), Integer.parseInt(upstreamHost.substring(colon + 1)));
        try {
            return new ShapingProxy(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), upstream, shape);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy as {@code host:port}. */
    public String host() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    public Shape shape() {
        return shape;
    }

    /** Bytes passed from the server to the clients so far. */
    public long bytesDown() {
        return bytesDown.get();
    }

    /** Bytes passed from the clients to the server so far. */
    public long bytesUp() {
        return bytesUp.get();
    }

    /** Connections open now (each counts its client and its upstream socket once). */
    public int openConnections() {
        return open.size() / 2;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        closeQuietly(server);
        open.forEach(ShapingProxy::closeQuietly);
    }

    /** The handshake's round trip, then one delay line each way. */
    private void connect(Socket client) {
        Socket target = new Socket();
        open.add(target);
        try {
            sleepNanos(shape.roundTrip().toNanos());
            target.connect(upstream, 10_000);
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
            open.remove(client);
            open.remove(target);
            return;
        }
        Runnable closeBoth = () -> {
            closeQuietly(client);
            closeQuietly(target);
            open.remove(client);
            open.remove(target);
        };
        DelayLine down = new DelayLine(target, client, TokenBucket.of(shape.perConnectionBytesPerSecond()), totalDown);
        DelayLine up = new DelayLine(client, target, TokenBucket.of(shape.perConnectionBytesPerSecond()), totalUp);
        down.start("down", bytesDown, closeBoth, up);
        up.start("up", bytesUp, closeBoth, down);
    }

    /** One direction of one connection: read, pace, hold for the one-way delay, write. */
    private final class DelayLine {

        private final Socket from;
        private final Socket to;
        private final TokenBucket connection;
        private final TokenBucket link;
        private final BlockingQueue<Chunk> inFlight;
        private volatile boolean finished;

        DelayLine(Socket from, Socket to, TokenBucket connection, TokenBucket link) {
            this.from = from;
            this.to = to;
            this.connection = connection;
            this.link = link;
            long rate = shape.perConnectionBytesPerSecond() > 0
                    ? shape.perConnectionBytesPerSecond()
                    : shape.totalBytesPerSecond();
            long inFlightBytes = rate == 0
                    ? 8L * MIN_IN_FLIGHT_BYTES
                    : Math.max(MIN_IN_FLIGHT_BYTES, 2 * rate * shape.roundTrip().toNanos() / 2 / 1_000_000_000L);
            // counted in reads, which may be short: room for four times the bytes in full reads
            this.inFlight =
                    new ArrayBlockingQueue<>((int) Math.max(64, Math.min(4096, 4 * inFlightBytes / BURST_BYTES)));
        }

        void start(String direction, AtomicLong counter, Runnable closeBoth, DelayLine other) {
            Thread reader = new Thread(() -> read(closeBoth), "shaping-proxy-" + direction + "-read");
            Thread writer = new Thread(
                    () -> {
                        write(counter, closeBoth);
                        finished = true;
                        if (other.finished) {
                            closeBoth.run();
                        }
                    },
                    "shaping-proxy-" + direction + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read(Runnable closeBoth) {
            long oneWay = shape.roundTrip().toNanos() / 2;
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[BURST_BYTES];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    connection.take(n);
                    link.take(n);
                    inFlight.put(new Chunk(Arrays.copyOf(buffer, n), n, System.nanoTime() + oneWay));
                }
                inFlight.put(Chunk.end(System.nanoTime() + oneWay));
            } catch (IOException e) {
                offerEnd(closeBoth);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                offerEnd(closeBoth);
            }
        }

        private void offerEnd(Runnable closeBoth) {
            if (!inFlight.offer(Chunk.end(System.nanoTime()))) {
                closeBoth.run();
            }
        }

        private void write(AtomicLong counter, Runnable closeBoth) {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = inFlight.take();
                    sleepNanos(chunk.due() - System.nanoTime());
                    if (chunk.isEnd()) {
                        if (!to.isClosed()) {
                            to.shutdownOutput();
                        }
                        return;
                    }
                    // Counted before the write, which the other side may read before this thread runs on: a count
                    // read once the other side has the bytes then includes them.
                    counter.addAndGet(chunk.length());
                    out.write(chunk.bytes(), 0, chunk.length());
                }
            } catch (IOException e) {
                closeBoth.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeBoth.run();
            }
        }
    }

    /** Bytes on their way, due at the other side at {@code due} ({@link System#nanoTime}); no bytes: the end. */
    private record Chunk(byte[] bytes, int length, long due) {

        static Chunk end(long due) {
            return new Chunk(new byte[0], -1, due);
        }

        boolean isEnd() {
            return length < 0;
        }
    }

    /**
     * A token bucket that lends: a taker takes its bytes at once and, when the bucket goes below zero, sleeps until it
     * would have refilled. Takers are served in the order they come, and the bucket's rate is never exceeded by more
     * than its burst.
     */
    static final class TokenBucket {

        private final double bytesPerNano;
        private double tokens = BURST_BYTES;
        private long refilledAt = System.nanoTime();

        private TokenBucket(long bytesPerSecond) {
            this.bytesPerNano = bytesPerSecond / 1e9;
        }

        /** A bucket of this rate; for 0, one that never makes a taker wait. */
        static TokenBucket of(long bytesPerSecond) {
            return new TokenBucket(bytesPerSecond);
        }

        void take(int bytes) {
            if (bytesPerNano == 0) {
                return;
            }
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                tokens = Math.min(BURST_BYTES, tokens + (now - refilledAt) * bytesPerNano);
                refilledAt = now;
                tokens -= bytes;
                wait = tokens >= 0 ? 0 : (long) (-tokens / bytesPerNano);
            }
            sleepNanos(wait);
        }
    }

    private static void sleepNanos(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing after the peer went away
        }
    }
}
