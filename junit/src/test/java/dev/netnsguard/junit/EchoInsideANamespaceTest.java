package dev.netnsguard.junit;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

@NetnsGuarded
class EchoInsideANamespaceTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void echoesOverTheNamespacesLoopback() throws Exception {
        try (NetNS ns = NetNS.create()) {
            try (Netlink netlink = Netlink.open(ns)) {
                netlink.setUp("lo");
            }
            // A server socket born in the namespace: bound and accepted on from the test's thread.
            try (ServerSocketChannel server = ns.openServerSocketChannel()) {
                server.bind(new InetSocketAddress(LOOPBACK, 0));
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                // The client runs inside the namespace.
                String reply = ns.call(host -> {
                    try (SocketChannel client = SocketChannel.open(new InetSocketAddress(LOOPBACK, port));
                         SocketChannel accepted = server.accept()) {
                        client.write(StandardCharsets.US_ASCII.encode("ping"));
                        ByteBuffer in = ByteBuffer.allocate(4);
                        while (in.hasRemaining()) {
                            accepted.read(in);
                        }
                        return new String(in.array(), StandardCharsets.US_ASCII);
                    }
                });
                assertEquals("ping", reply);
            }
        }
    }
}
