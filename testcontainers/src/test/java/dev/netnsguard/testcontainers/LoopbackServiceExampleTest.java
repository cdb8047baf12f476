package dev.netnsguard.testcontainers;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Link;
import dev.netnsguard.netlink.Netlink;
import dev.netnsguard.testcontainers.ContainerNetNS;
import dev.netnsguard.testcontainers.ContainerStoppedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Testcontainers(disabledWithoutDocker = true)
class LoopbackServiceExampleTest {
    // Built here FROM scratch with a static busybox (Debian's busybox-static): nothing is pulled.
    static final ImageFromDockerfile IMAGE = new ImageFromDockerfile("example/busybox-httpd", false)
            .withFileFromPath("busybox", Path.of("/bin/busybox"))
            .withFileFromString("index.html", "hello from inside\n")
            .withFileFromString("Dockerfile",
                    "FROM scratch\nCOPY busybox /bin/busybox\nCOPY index.html /www/index.html\n");

    @Test
    void reachAServiceThatListensOnlyOnTheContainersLoopback() throws Exception {
        int port = portNothingListensOnInTheHost();
        try (GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withNetworkMode("none")    // only lo: no address, no route, no published port
                .withCommand("/bin/busybox", "sh", "-c", "/bin/busybox httpd -p 127.0.0.1:" + port
                        + " -h /www && echo listening && exec /bin/busybox sleep 3600")
                .waitingFor(Wait.forLogMessage("listening\\n", 1))) {
            container.start();

            try (ContainerNetNS ns = ContainerNetNS.of(container)) {
                // 1. Code run inside the container's network namespace: 127.0.0.1 is the container's.
                String page = ns.call(host -> {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        return get(socket);
                    }
                });
                assertTrue(page.endsWith("hello from inside\n"), page);

                // 2. A socket born in the container's namespace, connected from this test's own thread.
                try (SocketChannel channel = ns.openSocketChannel()) {
                    channel.connect(new InetSocketAddress("127.0.0.1", port));
                    assertTrue(get(channel.socket()).endsWith("hello from inside\n"));
                }

                // 3. From the host's namespace, 127.0.0.1:port is the host's: nothing listens there.
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());

                // 4. The container's links, listed through netlink inside its namespace: only the loopback.
                try (Netlink netlink = ns.openNetlink()) {
                    List<String> links = netlink.links().stream().map(Link::name).collect(Collectors.toList());
                    assertEquals(List.of("lo"), links);
                }

                // 5. Once the container has stopped, the handle says so, naming the container.
                container.stop();
                ContainerStoppedException stopped = assertThrows(ContainerStoppedException.class,
                        () -> ns.call(host -> NetNS.current()));
                assertTrue(stopped.getMessage().contains("has stopped"), stopped.getMessage());
            }
        }
    }

    static String get(Socket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    static int portNothingListensOnInTheHost() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
