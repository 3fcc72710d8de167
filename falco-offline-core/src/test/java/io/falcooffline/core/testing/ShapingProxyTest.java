package io.falcooffline.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShapingProxyTest {

    private static final int MIB = 1 << 20;

    private ServerSocket upstream;

    /** Each connection: read a 4-byte count, answer with that many bytes; repeat until the client closes. */
    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket socket = upstream.accept();
                    Thread serving = new Thread(() -> serve(socket));
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopUpstream() throws IOException {
        upstream.close();
    }

    @Test
    void aTransferTakesAsLongAsThePerConnectionRateAllows() {
        try (ShapingProxy proxy =
                        ShapingProxy.start(upstreamHost(), new ShapingProxy.Shape(Duration.ZERO, 2 * MIB, 0));
                Socket client = connect(proxy)) {
            long start = System.nanoTime();
            assertThat(turn(client, 4 * MIB)).isEqualTo(4 * MIB);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(seconds).as("4 MiB at 2 MiB/s").isBetween(1.9, 6.0);
            assertThat(proxy.bytesDown()).isEqualTo(4 * MIB);
            assertThat(proxy.bytesUp()).isEqualTo(4);
            assertThat(proxy.connections()).isEqualTo(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void connectionsShareTheTotalRate() {
        try (ShapingProxy proxy =
                ShapingProxy.start(upstreamHost(), new ShapingProxy.Shape(Duration.ZERO, 8 * MIB, 2 * MIB))) {
            long start = System.nanoTime();
            List<CompletableFuture<Integer>> transfers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                transfers.add(CompletableFuture.supplyAsync(() -> {
                    try (Socket client = connect(proxy)) {
                        return turn(client, 2 * MIB);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            transfers.forEach(transfer -> assertThat(transfer.join()).isEqualTo(2 * MIB));
            double seconds = (System.nanoTime() - start) / 1e9;

            // alone, each would take a quarter of a second at 8 MiB/s; together they get 2 MiB/s
            assertThat(seconds).as("2 × 2 MiB at 2 MiB/s in all").isBetween(1.9, 6.0);
            assertThat(proxy.connections()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionCostsOneRoundTripAndEachTurnAnother() throws IOException {
        Duration roundTrip = Duration.ofMillis(150);
        try (ShapingProxy proxy = ShapingProxy.start(upstreamHost(), new ShapingProxy.Shape(roundTrip, 0, 0))) {
            long start = System.nanoTime();
            try (Socket client = connect(proxy)) {
                turn(client, 1);
                double first = (System.nanoTime() - start) / 1e9;
                long second = System.nanoTime();
                turn(client, 1);
                double again = (System.nanoTime() - second) / 1e9;

                assertThat(first).as("handshake and first turn").isBetween(0.29, 1.0);
                // below two round trips: the open connection pays no second handshake
                assertThat(again).as("a turn on the open connection").isBetween(0.145, 0.29);
            }
        }
    }

    private String upstreamHost() {
        return "127.0.0.1:" + upstream.getLocalPort();
    }

    private static Socket connect(ShapingProxy proxy) {
        String host = proxy.host();
        try {
            return new Socket(
                    host.substring(0, host.lastIndexOf(':')),
                    Integer.parseInt(host.substring(host.lastIndexOf(':') + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks for {@code bytes} and reads them; returns how many came. */
    private static int turn(Socket client, int bytes) {
        try {
            OutputStream out = client.getOutputStream();
            out.write(new byte[] {(byte) (bytes >>> 24), (byte) (bytes >>> 16), (byte) (bytes >>> 8), (byte) bytes});
            out.flush();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int received = 0;
            while (received < bytes) {
                int n = in.read(buffer, 0, Math.min(buffer.length, bytes - received));
                if (n < 0) {
                    break;
                }
                received += n;
            }
            return received;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void serve(Socket socket) {
        try (socket;
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream()) {
            byte[] count = new byte[4];
            while (in.readNBytes(count, 0, 4) == 4) {
                int bytes = ((count[0] & 0xff) << 24)
                        | ((count[1] & 0xff) << 16)
                        | ((count[2] & 0xff) << 8)
                        | (count[3] & 0xff);
                byte[] block = new byte[64 * 1024];
                for (int sent = 0; sent < bytes; sent += block.length) {
                    out.write(block, 0, Math.min(block.length, bytes - sent));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
