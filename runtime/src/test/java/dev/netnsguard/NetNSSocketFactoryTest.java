package dev.netnsguard;

import dev.netnsguard.netlink.Netlink;
import dev.netnsguard.testing.TestNamespaces;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The socket factory made from a string, as JDBC drivers make theirs: where its sockets are born. */
class NetNSSocketFactoryTest {
    @RegisterExtension
    final TestNamespaces namespaces = new TestNamespaces();

    private static NetNS createWithLoopbackUp(String name) {
        NetNS ns = NetNS.createNamed(name);
        try (Netlink nl = Netlink.open(ns)) {
            nl.setUp("lo");
        }
        return ns;
    }

    /** Every way of making a socket with {@code sockets} reaches {@code server} inside, and only there. */
    private static void assertEverySocketIsBornInside(SocketFactory sockets, ServerSocket server) throws Exception {
        int port = server.getLocalPort();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Socket unconnected = sockets.createSocket()) {
            unconnected.connect(new InetSocketAddress(loopback, port));
            server.accept().close();
        }
        try (Socket byName = sockets.createSocket("127.0.0.1", port)) {
            server.accept().close();
        }
        try (Socket byAddress = sockets.createSocket(loopback, port)) {
            server.accept().close();
        }
        try (Socket bound = sockets.createSocket(loopback, port, loopback, 0)) {
            server.accept().close();
        }
        try (Socket boundByName = sockets.createSocket("127.0.0.1", port, loopback, 0)) {
            server.accept().close();
        }
        assertThrows(ConnectException.class, () -> new Socket(loopback, port).close(),
                "the launch namespace has no such listener");
    }

    @Test
    void aNameGivesSocketsBornInThatNamespace() throws Exception {
        String name = namespaces.newName();
        try (NetNS ns = createWithLoopbackUp(name);
             ServerSocket server = ns.serverSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            NetNSSocketFactory sockets = new NetNSSocketFactory(name);
            assertEquals(ns, sockets.namespace());
            assertEverySocketIsBornInside(sockets, server);
        }
    }

    @Test
    void aPathGivesSocketsBornInThatNamespace() throws Exception {
        String name = namespaces.newName();
        try (NetNS ns = createWithLoopbackUp(name);
             ServerSocket server = ns.serverSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String path = ns.path().orElseThrow().toString();
            assertTrue(path.startsWith("/"), path);
            NetNSSocketFactory sockets = new NetNSSocketFactory(path);
            assertEquals(ns, sockets.namespace());
            assertEverySocketIsBornInside(sockets, server);
        }
    }

    @Test
    void factoriesOfOneNameShareOneHandle() {
        String name = namespaces.newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            assertSame(new NetNSSocketFactory(name).namespace(), new NetNSSocketFactory(name).namespace(),
                    "a driver makes a factory per connection; they must not each open the namespace");
        }
    }

    @Test
    void aNameMadeAgainServesTheNewNamespaceWhileEarlierFactoriesKeepTheirs() {
        String name = namespaces.newName();
        NetNSSocketFactory before;
        long first;
        try (NetNS ns = NetNS.createNamed(name)) {
            before = new NetNSSocketFactory(name);
            first = ns.inode();
        }
        NetNS.deleteNamed(name);
        try (NetNS again = NetNS.createNamed(name)) {
            NetNSSocketFactory after = new NetNSSocketFactory(name);
            assertEquals(again, after.namespace());
            assertNotEquals(first, again.inode());
            assertEquals(first, before.namespace().inode(), "an earlier factory keeps the namespace it opened");
        }
    }

    @Test
    void badArgumentsAreTypedErrorsNamingThem() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new NetNSSocketFactory(null));
        assertTrue(none.getMessage().contains("null"), none.getMessage());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> new NetNSSocketFactory(" "));
        assertTrue(blank.getMessage().contains("' '"), blank.getMessage());
        String missing = namespaces.newName();
        NoSuchNetNSException noSuchName = assertThrows(NoSuchNetNSException.class, () -> new NetNSSocketFactory(missing));
        assertTrue(noSuchName.getMessage().contains(missing), noSuchName.getMessage());
        assertThrows(NoSuchNetNSException.class, () -> new NetNSSocketFactory("/run/netns/" + missing));
        assertThrows(NotANetNSException.class, () -> new NetNSSocketFactory("/proc/self/ns/mnt"));
        assertThrows(IllegalArgumentException.class, () -> new NetNSSocketFactory(".."));
    }
}
