package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's install leaves no blind window: a misuse that is the first thing {@code main} does is
 * caught, in report and strict mode, and its correct mirror stays silent. Two servers listen on the
 * same 127.0.0.1 port, one in the launch namespace ("launch") and one in the named namespace
 * ("inside"), so what the program reached shows that the misuse really happened.
 */
class FirstLineIT {
    @RegisterExtension
    static final NamedNamespace NS = new NamedNamespace("ngtest-su-");

    private static Greeter launch;
    private static Greeter inside;

    @BeforeAll
    static void servers() throws IOException {
        launch = new Greeter(ServerSocketChannel.open(), "launch");
        launch.server.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) launch.server.getLocalAddress()).getPort();
        try (NetNS ns = NetNS.open(Path.of(NS.path())); Netlink netlink = Netlink.open(ns)) {
            netlink.setUp("lo");
            inside = new Greeter(ns.openServerSocketChannel(), "inside");
        }
        inside.server.bind(new InetSocketAddress("127.0.0.1", port));
        launch.start();
        inside.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            if (launch != null) {
                launch.stop();
            }
        } finally {
            if (inside != null) {
                inside.stop();
            }
        }
    }

    private static String name() {
        return Path.of(NS.path()).getFileName().toString();
    }

    private static ForkedJvm.Result run(String agentArgs, String program) throws Exception {
        return ForkedJvm.withAgent(agentArgs).jvmArg(ForkedJvm.FEATURE >= 21 ? "--enable-native-access=ALL-UNNAMED" : "-Dngtest=1")
                .runMain(FirstLineMain.class, program, name(), String.valueOf(launch.port())).ok();
    }

    @Test
    void aMisuseOnTheFirstLineIsReported() throws Exception {
        ForkedJvm.Result r = run("mode=report", "misuse");
        assertEquals("launch", r.get("answer"), "the scope meant the namespace's server: " + r);
        assertEquals(1, r.count("SOCKET_CONNECT"), r.toString());
        long reads = r.count("SOCKET_IO");
        assertTrue(reads >= 1, "the launch-born socket read inside the scope: " + r);
        assertEquals(1 + reads, r.count("total"), "the connect and the reads, nothing else: " + r);
        assertTrue(r.stderr().contains("netns-guard: SOCKET_CONNECT: socket connected (/127.0.0.1) in network namespace net:["
                + NetNS.launch().inode() + "] (the JVM's launch namespace), but the code expects " + name() + " net:["), r.stderr());
        assertEquals(java.util.List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void aMisuseOnTheFirstLineIsRefusedInStrictMode() throws Exception {
        ForkedJvm.Result r = run("mode=strict,log=none", "misuse");
        assertEquals("SOCKET_CONNECT", r.get("thrown.connect"), r.toString());
        assertNull(r.get("answer"), "refused before it connected: " + r);
        assertEquals(1, r.count("total"), r.toString());
    }

    @Test
    void theCorrectMirrorReachesTheNamespacesServerSilently() throws Exception {
        ForkedJvm.Result r = run("mode=strict", "correct");
        assertEquals("inside", r.get("answer"), r.toString());
        assertEquals(0, r.count("total"), r.toString());
        assertEquals("", r.stderr().strip(), r.toString());
    }

    /** Answers every connection with its word, then closes it. */
    private static final class Greeter {
        final ServerSocketChannel server;
        private final String word;
        private final Thread thread;

        Greeter(ServerSocketChannel server, String word) {
            this.server = server;
            this.word = word;
            this.thread = new Thread(this::serve, "ngtest-su-greeter-" + word);
            thread.setDaemon(true);
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        void start() {
            thread.start();
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    client.write(ByteBuffer.wrap(word.getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        void stop() throws Exception {
            server.close();
            thread.join(10_000);
        }
    }
}
