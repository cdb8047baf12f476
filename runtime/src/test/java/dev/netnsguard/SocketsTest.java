package dev.netnsguard;

import dev.netnsguard.testing.Threads;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sockets born in a namespace stay there, whichever thread uses them. */
class SocketsTest {
    private NetNS ns;

    @BeforeEach
    void createNamespace() throws Exception {
        ns = NetNS.create();
        ns.run(host -> {
            // A new namespace's loopback is down; bringing it up is netlink's job, so use iproute2 here.
            Process up = new ProcessBuilder("ip", "link", "set", "lo", "up").inheritIO().start();
            assertEquals(0, up.waitFor());
        });
    }

    @AfterEach
    void closeNamespace() {
        ns.close();
    }

    /** A server bound on 127.0.0.1 inside the namespace, from the test thread. */
    private ServerSocketChannel serverInside() throws IOException {
        ServerSocketChannel server = ns.openServerSocketChannel();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    @Test
    void aServerBornInsideIsReachableOnlyFromInside() throws Exception {
        try (ServerSocketChannel server = serverInside()) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            ns.run(host -> {
                try (SocketChannel client = SocketChannel.open(address)) {
                    assertTrue(client.isConnected());
                }
            });
            assertThrows(ConnectException.class, () -> SocketChannel.open(address).close(),
                    "the host namespace has no such listener");
        }
    }

    @Test
    void ofChannelTellsWhereEachSocketLives() throws Exception {
        try (SocketChannel inside = ns.openSocketChannel();
             SocketChannel outside = SocketChannel.open();
             DatagramChannel datagram = ns.openDatagramChannel();
             ServerSocketChannel v6 = ns.openServerSocketChannel(StandardProtocolFamily.INET6)) {
            assertEquals(ns, NetNS.of(inside));
            assertEquals(NetNS.launch(), NetNS.of(outside));
            assertEquals(ns, NetNS.of(datagram));
            assertEquals(ns, NetNS.of(v6));
        }
    }

    @Test
    void ofAClosedChannelIsAClearError() throws Exception {
        SocketChannel channel = ns.openSocketChannel();
        channel.close();
        NetNSException e = assertThrows(NetNSException.class, () -> NetNS.of(channel));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aSocketBornInsideConnectsFromTheCallersThreadToAServerInside() throws Exception {
        try (ServerSocketChannel server = serverInside(); SocketChannel client = ns.openSocketChannel()) {
            assertTrue(client.connect(server.getLocalAddress()));
            try (SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer in = ByteBuffer.allocate(1);
                accepted.read(in);
                assertEquals(42, in.get(0));
            }
        }
    }

    @Test
    void aSocketBornInsideWorksFromAVirtualThread() throws Exception {
        try (ServerSocketChannel server = serverInside(); SocketChannel client = ns.openSocketChannel()) {
            boolean connected = Threads.onVirtualThread(() -> client.connect(server.getLocalAddress()));
            assertTrue(connected);
            assertEquals(NetNS.launch().inode(), Threads.inode());
        }
    }

    @Test
    void socketFactorySocketsHaveTheirDescriptorInside() throws Exception {
        try (ServerSocket server = ns.serverSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            try (Socket client = ns.socketFactory().createSocket("127.0.0.1", port);
                 Socket accepted = server.accept()) {
                client.getOutputStream().write(7);
                assertEquals(7, accepted.getInputStream().read());
            }
            try (Socket unconnected = ns.socketFactory().createSocket()) {
                unconnected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                server.accept().close();
            }
            assertThrows(ConnectException.class,
                    () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                    "the host namespace has no such listener");
        }
    }
}
