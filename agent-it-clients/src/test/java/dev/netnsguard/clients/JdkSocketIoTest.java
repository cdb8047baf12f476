package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's own read and write paths on an existing socket, each used inside a scope of another namespace
 * than the socket's (reported as {@code SOCKET_IO}) and in the mirrored correct program (silent in strict
 * mode): a {@code SocketChannel}, its {@code socket()} adaptor, a connected {@code DatagramChannel}, and a
 * channel accepted by a listener of the scope's namespace.
 */
class JdkSocketIoTest {
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static TwinServers servers;
    private static InetSocketAddress address;

    @BeforeAll
    static void startServers() throws IOException {
        servers = TwinServers.start();
        URI url = URI.create(servers.url());
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), url.getPort());
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @BeforeEach
    void report() {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
    }

    @Test
    void aSocketChannelOfTheLaunchNamespaceWrittenAndReadInsideBlueIsReported() throws Exception {
        try (SocketChannel channel = SocketChannel.open(address)) {
            String answer = servers.blue().call(host -> {
                channel.write(ByteBuffer.wrap(REQUEST));
                return body(readAll(channel));
            });

            assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered inside blue");
            assertOnlyIoReports();
        }
    }

    @Test
    void theSocketAdaptorOfAChannelIsReportedToo() throws Exception {
        try (SocketChannel channel = SocketChannel.open(address)) {
            String answer = servers.blue().call(host -> {
                OutputStream out = channel.socket().getOutputStream();
                out.write(REQUEST);
                channel.socket().setSoTimeout(10_000);
                InputStream in = channel.socket().getInputStream();
                return body(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            });

            assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered inside blue");
            assertOnlyIoReports();
        }
    }

    @Test
    void aConnectedDatagramChannelOfTheLaunchNamespaceWrittenInsideBlueIsReported() throws Exception {
        try (DatagramChannel launchReceiver = DatagramChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramChannel blueReceiver = servers.blue().openDatagramChannel();
             DatagramChannel sender = DatagramChannel.open()) {
            blueReceiver.bind(launchReceiver.getLocalAddress());
            sender.connect(launchReceiver.getLocalAddress());

            servers.blue().run(host -> sender.write(ByteBuffer.wrap(new byte[] {42})));

            assertEquals(42, receive(launchReceiver), "the misuse happened: the launch receiver got the datagram sent inside blue");
            blueReceiver.configureBlocking(false);
            assertEquals(null, blueReceiver.receive(ByteBuffer.allocate(1)), "blue's receiver got nothing");
            assertOnlyIoReports();
        }
    }

    @Test
    void strictModeThrowsBeforeTheWrite() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        try (SocketChannel channel = SocketChannel.open(address)) {
            NetNSViolationError error = assertThrows(NetNSViolationError.class,
                    () -> servers.blue().run(host -> channel.write(ByteBuffer.wrap(REQUEST))));
            assertEquals("SOCKET_IO", error.kind());
        }
    }

    @Test
    void channelsUsedWhereTheyLiveAreSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        try (SocketChannel launchChannel = SocketChannel.open(address);
             SocketChannel blueChannel = servers.blue().openSocketChannel()) {
            blueChannel.connect(address);
            launchChannel.write(ByteBuffer.wrap(REQUEST));
            assertEquals(TwinServers.LAUNCH, body(readAll(launchChannel)), "outside scopes, from the launch namespace");
            String inside = servers.blue().call(host -> {
                blueChannel.write(ByteBuffer.wrap(REQUEST));
                return body(readAll(blueChannel));
            });
            assertEquals(TwinServers.BLUE, inside, "a channel born in blue, used inside blue");
        }
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    @Test
    void aChannelAcceptedByAListenerOfTheScopesNamespaceIsSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetNS blue = servers.blue();
        try (ServerSocketChannel listener = blue.openServerSocketChannel()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (SocketChannel client = blue.openSocketChannel()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                try (SocketChannel accepted = listener.accept()) {
                    int read = blue.call(host -> {
                        client.write(ByteBuffer.wrap(new byte[] {7}));
                        return accepted.read(ByteBuffer.allocate(1));
                    });
                    assertEquals(1, read);
                }
            }
        }
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    private static void assertOnlyIoReports() {
        List<Violation> all = NetnsGuard.recentViolations();
        assertTrue(!all.isEmpty(), "reported");
        for (Violation v : all) {
            assertEquals("SOCKET_IO", v.kind(), v.toString());
            assertEquals(servers.blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
        }
    }

    /** Reads until the server closes the connection (the request says {@code Connection: close}), within 10 s. */
    private static String readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                int n = channel.read(buffer);
                if (n < 0) {
                    return all.toString(StandardCharsets.US_ASCII);
                }
                all.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (n == 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new IOException("no end of the response within 10 s: " + all);
                    }
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    /** One datagram's first byte, within 10 s. */
    private static int receive(DatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            if (selector.select(10_000) == 0) {
                throw new IOException("no datagram within 10 s");
            }
            ByteBuffer got = ByteBuffer.allocate(1);
            channel.receive(got);
            return got.get(0);
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
