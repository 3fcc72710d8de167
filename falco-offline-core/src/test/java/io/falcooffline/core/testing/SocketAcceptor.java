package io.falcooffline.core.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;

/** The accept loop of the test proxies: one daemon thread accepting, one daemon thread per connection. */
final class SocketAcceptor {

    private SocketAcceptor() {}

    /**
     * Accepts connections on {@code server} until it is closed.
     *
     * @param name the threads' name prefix
     * @param accepted runs on the accepting thread for each connection before it is served (counting, tracking)
     * @param serve serves one connection on a thread of its own
     * @return the accepting thread, started
     */
    static Thread start(ServerSocket server, String name, Consumer<Socket> accepted, Consumer<Socket> serve) {
        Thread acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        Socket client;
                        try {
                            client = server.accept();
                        } catch (IOException e) {
                            return;
                        }
                        accepted.accept(client);
                        Thread connection = new Thread(() -> serve.accept(client), name + "-connection");
                        connection.setDaemon(true);
                        connection.start();
                    }
                },
                name + "-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return acceptor;
    }
}
