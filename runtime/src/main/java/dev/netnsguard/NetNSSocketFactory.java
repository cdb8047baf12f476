package dev.netnsguard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} for libraries that are given a socket factory by class name and one
 * string argument, such as a JDBC driver's connection properties: every socket it creates has its
 * descriptor created inside the network namespace that argument names, whichever thread asks for
 * it (a connection pool's own threads included). It is {@link NetNS#socketFactory()} of that
 * namespace, made from a string.
 *
 * <pre>{@code
 * // pgjdbc: every connection of this URL, and of a pool built on it, is born in namespace "blue"
 * String url = "jdbc:postgresql://127.0.0.1:5432/app"
 *         + "?socketFactory=dev.netnsguard.NetNSSocketFactory&socketFactoryArg=blue";
 * }</pre>
 *
 * <p>The argument is the name of a named namespace ({@link NetNS#openNamed}, {@code ip netns add}),
 * or, when it starts with {@code /}, the path of a namespace file ({@link NetNS#open}), such as
 * {@code /proc/1234/ns/net}. Drivers typically make a factory per connection, so the handles are
 * shared: one handle per argument for the whole JVM, which this class never closes. Each new factory
 * reopens the argument and compares: if the name now refers to another namespace (deleted and made
 * again), the new factory serves the new one, while factories made earlier keep the namespace they
 * opened, as their connections do.
 */
public final class NetNSSocketFactory extends SocketFactory {
    private static final ConcurrentMap<String, NetNS> HANDLES = new ConcurrentHashMap<>();

    private final NetNS ns;
    private final SocketFactory sockets;

    /**
     * A socket factory for the namespace named by {@code namespace}: a name, or a path if it starts
     * with {@code /}.
     *
     * @throws IllegalArgumentException if {@code namespace} is null, blank or not a valid name
     * @throws NoSuchNetNSException if there is no such namespace
     * @throws NotANetNSException if the path is not a network namespace
     * @throws NetNSPermissionException if the namespace cannot be opened for lack of privilege
     */
    public NetNSSocketFactory(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("NetNSSocketFactory needs the name or path of a network namespace"
                    + " (for JDBC drivers, the socket factory argument), got " + (namespace == null ? "null" : "'" + namespace + "'"));
        }
        this.ns = handleOf(namespace);
        this.sockets = ns.socketFactory();
    }

    private static NetNS handleOf(String namespace) {
        NetNS fresh = namespace.startsWith("/") ? NetNS.open(Path.of(namespace)) : NetNS.openNamed(namespace);
        NetNS shared = HANDLES.compute(namespace, (key, cached) -> fresh.equals(cached) ? cached : fresh);
        if (shared != fresh) {
            fresh.close();
        }
        return shared;
    }

    /** The namespace this factory creates its sockets in. */
    public NetNS namespace() {
        return ns;
    }

    /** An unconnected socket whose descriptor was created inside the namespace. */
    @Override
    public Socket createSocket() throws IOException {
        return sockets.createSocket();
    }

    /** A socket created inside the namespace and connected there; {@code host} is resolved inside it. */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return sockets.createSocket(host, port);
    }

    /** A socket created inside the namespace, bound and connected there; {@code host} is resolved inside it. */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return sockets.createSocket(host, port, localHost, localPort);
    }

    /** A socket created inside the namespace and connected there. */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return sockets.createSocket(host, port);
    }

    /** A socket created inside the namespace, bound and connected there. */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return sockets.createSocket(address, port, localAddress, localPort);
    }

    /** {@code NetNSSocketFactory[blue net:[4026532481]]}. */
    @Override
    public String toString() {
        return "NetNSSocketFactory[" + ns + "]";
    }
}
