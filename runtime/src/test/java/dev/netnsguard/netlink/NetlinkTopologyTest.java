package dev.netnsguard.netlink;

import static dev.netnsguard.netlink.NetlinkAddressRouteTest.ip;
import static dev.netnsguard.testing.TestNamespaces.nameOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netnsguard.NetNS;
import dev.netnsguard.testing.TestNamespaces;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo's topology, built in-process: two namespaces joined by a veth pair (the peer created
 * directly in the second), 198.51.100.1/24 and 2001:db8::1/64 on one side, .2 and ::2 on the other,
 * lo up in both; a TCP server in one is reached from the other through {@link NetNS#call}.
 */
class NetlinkTopologyTest {
    @RegisterExtension
    final TestNamespaces namespaces = new TestNamespaces();
    private NetNS left;
    private NetNS right;

    @BeforeEach
    void build() {
        left = namespaces.create("left");
        right = namespaces.create("right");
        Netlink l = namespaces.closeLater(Netlink.open(left));
        Netlink r = namespaces.closeLater(Netlink.open(right));
        l.setUp("lo");
        r.setUp("lo");
        l.addVeth("veth0", "veth1", right);
        l.addAddress("veth0", ip("198.51.100.1"), 24);
        r.addAddress("veth1", ip("198.51.100.2"), 24);
        l.addAddress("veth0", ip("2001:db8::1"), 64, AddressOption.NO_DAD);
        r.addAddress("veth1", ip("2001:db8::2"), 64, AddressOption.NO_DAD);
        l.setUp("veth0");
        r.setUp("veth1");
    }

    @Test
    void ipSeesTheTopologyAndTheClientAgrees() throws Exception {
        try (Netlink l = Netlink.open(left); Netlink r = Netlink.open(right)) {
            for (String[] side : new String[][] {{nameOf(left), "veth0", "198.51.100.1"},
                    {nameOf(right), "veth1", "198.51.100.2"}}) {
                Netlink nl = side[0].equals(nameOf(left)) ? l : r;
                Oracle.assertLinksMatch(nl, side[0]);
                Oracle.assertAddressesMatch(nl, side[0]);
                Oracle.assertRoutesMatch(nl, side[0]);
                int index = nl.link(side[1]).index();
                assertTrue(Oracle.ipAddresses(side[0]).contains(index + " inet " + side[2] + "/24 scope global"));
                assertTrue(nl.link("lo").isUp());
                assertTrue(nl.link(side[1]).isUp());
            }
        }
    }

    @Test
    void aTcpServerInOneNamespaceIsReachedFromTheOtherOverIpv4() throws Exception {
        exchange(StandardProtocolFamily.INET, ip("198.51.100.2"), ip("198.51.100.1"));
    }

    @Test
    void aTcpServerInOneNamespaceIsReachedFromTheOtherOverIpv6() throws Exception {
        exchange(StandardProtocolFamily.INET6, ip("2001:db8::2"), ip("2001:db8::1"));
    }

    private void exchange(StandardProtocolFamily family, InetAddress serverAddress, InetAddress clientAddress)
            throws Exception {
        try (ServerSocketChannel server = right.openServerSocketChannel(family)) {
            server.bind(new InetSocketAddress(serverAddress, 0));
            InetSocketAddress target = new InetSocketAddress(serverAddress,
                    ((InetSocketAddress) server.getLocalAddress()).getPort());
            // Connected from inside left: routing happens there; the socket then works from any thread.
            try (SocketChannel client = left.call(host -> {
                SocketChannel c = SocketChannel.open(family);
                try {
                    c.connect(target);
                    return c;
                } catch (IOException e) {
                    c.close();
                    throw e;
                }
            }); SocketChannel accepted = server.accept()) {
                assertEquals(clientAddress, ((InetSocketAddress) accepted.getRemoteAddress()).getAddress());
                write(client, "ping");
                assertEquals("ping", read(accepted, 4));
                write(accepted, "pong");
                assertEquals("pong", read(client, 4));
            }
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static String read(SocketChannel channel, int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes) < 0) {
                throw new IOException("connection closed after " + bytes.position() + " bytes");
            }
        }
        return new String(bytes.array(), StandardCharsets.US_ASCII);
    }
}
