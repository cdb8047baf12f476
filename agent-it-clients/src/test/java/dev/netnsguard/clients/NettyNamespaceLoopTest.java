package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An event loop group built on {@code NetNS.threadFactory()} of blue is blue's own, as the runtime's executors
 * are: its loop thread enters blue before the loop starts, and work handed to it runs in blue, whichever scope
 * it was handed over from (none, blue's, or the launch namespace's) and whether that hand-over started the loop
 * or not. Each task's connect to 127.0.0.1 reaches blue's server, and nothing is reported, in strict mode, as
 * for a JDK pool on the same factory.
 */
class NettyNamespaceLoopTest {
    private static final long TIMEOUT_SECONDS = 30;

    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-ex-");
    private EventLoopGroup group;
    private ExecutorService pool;

    @AfterEach
    void close() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed");
    }

    @Test
    void workHandedToBluesLoopFromAnyScopeRunsInBlueAndIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        group = Transport.NIO.groupOn(blue().threadFactory());

        List<String> answers = assertSilent(() -> List.of(
                NetNS.launch().call(host -> fetchOn(group)), // the hand-over that starts the loop
                fetchOn(group),
                blue().call(host -> fetchOn(group)),
                NetNS.launch().call(host -> fetchOn(group)),
                NetNS.launch().call(host -> group.schedule(NettyNamespaceLoopTest::fetch, 1, TimeUnit.MILLISECONDS)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS))));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aJdkPoolOnTheSameFactoryIsJudgedTheSame() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        pool = Executors.newSingleThreadExecutor(blue().threadFactory());

        List<String> answers = assertSilent(() -> List.of(NetNS.launch().call(host -> fetchOn(pool)), fetchOn(pool),
                blue().call(host -> fetchOn(pool))));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    private static NetNS blue() {
        return twins.servers().blue();
    }

    private static String fetchOn(ExecutorService executor) throws Exception {
        Callable<String> task = NettyNamespaceLoopTest::fetch;
        return executor.submit(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** An HTTP/1.0 GET of the twins' port on 127.0.0.1, on a new socket: the body of the answer. */
    private static String fetch() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), twins.servers().port()),
                    (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
