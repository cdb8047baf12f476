package dev.netnsguard.testcontainers;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSClosedException;
import dev.netnsguard.NoSuchNetNSException;
import dev.netnsguard.netlink.Link;
import dev.netnsguard.netlink.Netlink;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real container on a real Docker engine: a web server that listens only on the container's own
 * 127.0.0.1, reached from this JVM through the container's network namespace. The image is built
 * locally FROM scratch with a static busybox (nothing is pulled) and every container runs with
 * network mode "none": its namespace has only {@code lo}, no address, no route.
 */
@RequiresDockerEngine
class ContainerNetNSTest {
    static final String PAGE = "hello from inside the container\n";

    /** A busybox-only image: /bin/busybox and one page to serve. Built once, kept in the engine. */
    static final ImageFromDockerfile IMAGE = new ImageFromDockerfile("netns-guard-test/busybox-httpd", false)
            .withFileFromPath("busybox", RequiresDockerEngine.BUSYBOX)
            .withFileFromString("index.html", PAGE)
            .withFileFromString("Dockerfile", String.join("\n",
                    "FROM scratch",
                    "COPY busybox /bin/busybox",
                    "COPY index.html /www/index.html",
                    ""));

    /** A container whose httpd listens on 127.0.0.1:{@code port} inside it, and nowhere else. */
    static GenericContainer<?> loopbackServer(int port) {
        return new GenericContainer<>(IMAGE)
                .withNetworkMode("none")
                .withCommand("/bin/busybox", "sh", "-c",
                        "/bin/busybox httpd -p 127.0.0.1:" + port + " -h /www"   // binds, then daemonizes
                                + " && echo listening && exec /bin/busybox sleep 3600")
                .waitingFor(Wait.forLogMessage("listening\\n", 1));
    }

    static int port;
    static GenericContainer<?> server;
    static ContainerNetNS ns;

    @BeforeAll
    static void startServer() throws IOException {
        port = portFreeOnTheHost();
        server = loopbackServer(port);
        server.start();
        ns = ContainerNetNS.of(server);
    }

    @AfterAll
    static void stopServer() {
        if (ns != null) {
            ns.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void callReachesTheServerOnTheContainersLoopback() throws IOException {
        String reply = ns.call(host -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {   // the container's 127.0.0.1
                return get(socket.getInputStream(), socket.getOutputStream());
            }
        });
        assertTrue(reply.matches("(?s)HTTP/1\\.[01] 200 .*"), reply);
        assertTrue(reply.endsWith(PAGE), reply);
    }

    @Test
    void socketBornInTheContainerIsUsedFromTheTestThread() throws IOException {
        try (SocketChannel channel = ns.openSocketChannel()) {
            assertEquals(ns.netNS(), NetNS.of(channel), "the socket lives in the container's namespace");
            channel.connect(new InetSocketAddress("127.0.0.1", port));   // on the test's own thread
            channel.write(ByteBuffer.wrap(request()));
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                reply.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            String text = reply.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.matches("(?s)HTTP/1\\.[01] 200 .*"), text);
            assertTrue(text.endsWith(PAGE), text);
        }
    }

    @Test
    void socketFactoryMakesSocketsInTheContainer() throws IOException {
        try (Socket socket = ns.socketFactory().createSocket("127.0.0.1", port)) {
            String reply = get(socket.getInputStream(), socket.getOutputStream());
            assertTrue(reply.endsWith(PAGE), reply);
        }
    }

    @Test
    void theHostNamespaceIsRefused() {
        assertNotEquals(NetNS.current(), ns.netNS());
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port));   // the host's 127.0.0.1
            }
        });
    }

    @Test
    void theContainerHasOnlyLoopback() throws IOException {
        try (Netlink netlink = ns.openNetlink()) {
            List<Link> links = netlink.links();
            assertEquals(List.of("lo"), links.stream().map(Link::name).collect(Collectors.toList()), links.toString());
            assertTrue(links.get(0).isUp(), links.toString());
        }
        assertEquals(List.of("lo"), ns.call(host -> links()), "/proc/thread-self/net/dev inside agrees");
    }

    @Test
    void procNetShowsTheMainThreadsNamespaceNotTheCallers() throws IOException {
        // Why links() reads /proc/thread-self/net: /proc/net is /proc/self/net, the thread group leader's.
        List<String> procNet = ns.call(host -> Files.readAllLines(Path.of("/proc/net/dev"))).stream()
                .skip(2).map(line -> line.substring(0, line.indexOf(':')).trim()).collect(Collectors.toList());
        assertEquals(List.of("lo"), ns.call(host -> links()));
        assertNotEquals(List.of("lo"), procNet, "/proc/net/dev read inside lists the host's links");
    }

    @Test
    void theHandleFailsClearlyOnceTheContainerHasStopped() throws IOException {
        try (GenericContainer<?> other = loopbackServer(port)) {
            other.start();
            String name = other.getContainerInfo().getName().substring(1);
            String shortId = other.getContainerId().substring(0, 12);
            ContainerNetNS handle = ContainerNetNS.of(other);
            try {
                assertTrue(handle.isRunning());
                assertEquals(List.of("lo"), handle.call(host -> links()));
                assertNotEquals(ns.netNS(), handle.netNS(), "each container has its own namespace");

                other.stop();

                assertFalse(handle.isRunning());
                ContainerStoppedException e = assertThrows(ContainerStoppedException.class,
                        () -> handle.call(host -> links()));
                assertTrue(e.getMessage().contains(name) && e.getMessage().contains(shortId)
                        && e.getMessage().contains("has stopped"), e.getMessage());
                assertTrue(e instanceof NoSuchNetNSException);
                assertEquals(handle.containerId(), e.containerId());
                assertThrows(ContainerStoppedException.class, handle::openSocketChannel);
                assertThrows(ContainerStoppedException.class, handle::socketFactory);
                assertThrows(ContainerStoppedException.class, handle::netNS);
                assertThrows(IllegalStateException.class, () -> ContainerNetNS.of(other));

                handle.close();
                assertThrows(NetNSClosedException.class, () -> handle.call(host -> links()));
            } finally {
                handle.close();
            }
        }
    }

    @Test
    void onlyARunningContainerHasANamespaceToOpen() {
        try (GenericContainer<?> other = loopbackServer(port)) {
            IllegalStateException notStarted = assertThrows(IllegalStateException.class, () -> ContainerNetNS.of(other));
            assertTrue(notStarted.getMessage().contains("no container id"), notStarted.getMessage());

            other.start();
            try (ContainerNetNS handle = ContainerNetNS.of(other)) {
                // Killed behind Testcontainers' back: the container still exists, and has exited.
                other.getDockerClient().killContainerCmd(other.getContainerId()).exec();
                other.getDockerClient().waitContainerCmd(other.getContainerId())
                        .exec(new WaitContainerResultCallback()).awaitStatusCode();

                assertThrows(ContainerStoppedException.class, handle::checkRunning);
                ContainerStoppedException e = assertThrows(ContainerStoppedException.class, () -> ContainerNetNS.of(other));
                assertTrue(e.getMessage().contains("is not running (status exited)"), e.getMessage());
            }
        }
    }

    @Test
    void aRestartedContainerHasANewNamespace() throws IOException {
        try (GenericContainer<?> other = loopbackServer(port)) {
            other.start();
            try (ContainerNetNS before = ContainerNetNS.of(other)) {
                NetNS first = before.netNS();
                other.getDockerClient().restartContainerCmd(other.getContainerId()).withTimeout(0).exec();

                ContainerStoppedException e = assertThrows(ContainerStoppedException.class, before::checkRunning);
                assertTrue(e.getMessage().contains("stopped"), e.getMessage());
                try (ContainerNetNS after = ContainerNetNS.of(other)) {
                    assertNotEquals(before.pid(), after.pid());
                    assertNotEquals(first, after.netNS());
                    assertEquals(List.of("lo"), after.call(host -> links()));
                }
            }
        }
    }

    /**
     * The links of the calling thread's network namespace. Read from /proc/thread-self: /proc/net is
     * /proc/self/net, which shows the namespace of the JVM's main thread, not this thread's.
     */
    static List<String> links() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/net/dev")).stream()
                .skip(2)   // two header lines
                .map(line -> line.substring(0, line.indexOf(':')).trim())
                .collect(Collectors.toList());
    }

    static byte[] request() {
        return "GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    static String get(InputStream in, OutputStream out) throws IOException {
        out.write(request());
        out.flush();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A port that nothing listens on in the host's namespace, so that the host's connection is refused. */
    static int portFreeOnTheHost() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
