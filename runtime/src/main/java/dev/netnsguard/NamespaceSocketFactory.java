package dev.netnsguard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** {@link NetNS#socketFactory()}: sockets whose descriptor is created inside the namespace. */
final class NamespaceSocketFactory extends SocketFactory {
    private final NetNS ns;

    NamespaceSocketFactory(NetNS ns) {
        this.ns = ns;
    }

    @Override
    public Socket createSocket() throws IOException {
        return ns.call(host -> {
            Socket socket = new Socket();
            // new Socket() creates its descriptor at first use; any option read is a first use.
            socket.getReceiveBufferSize();
            return socket;
        });
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(resolve(host), port, null, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(resolve(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(host, port, null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(address, port, localAddress, localPort);
    }

    private InetAddress resolve(String name) throws IOException {
        return ns.call(host -> InetAddress.getByName(name));
    }

    private Socket connected(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket socket = createSocket();
        try {
            if (localAddress != null || localPort != 0) {
                socket.bind(new InetSocketAddress(localAddress, localPort));
            }
            socket.connect(new InetSocketAddress(address, port));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
