package dev.netnsguard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import javax.net.ServerSocketFactory;

/** {@link NetNS#serverSocketFactory()}: server sockets whose descriptor is created inside the namespace. */
final class NamespaceServerSocketFactory extends ServerSocketFactory {
    private final NetNS ns;

    NamespaceServerSocketFactory(NetNS ns) {
        this.ns = ns;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return ns.call(host -> {
            ServerSocket socket = new ServerSocket();
            // new ServerSocket() creates its descriptor at first use; any option read is a first use.
            socket.getReceiveBufferSize();
            return socket;
        });
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return bound(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return bound(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return bound(port, backlog, address);
    }

    private ServerSocket bound(int port, int backlog, InetAddress address) throws IOException {
        ServerSocket socket = createServerSocket();
        try {
            socket.bind(new InetSocketAddress(address, port), backlog);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
