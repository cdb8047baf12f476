package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netty.NetNSChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's event loops carry the submitter's scope. A keep-alive connection made outside any scope and then
 * written from inside {@code ns.call} of another namespace: Netty hands the write to the channel's event loop,
 * a thread of the launch namespace with no scope of its own, and the launch server answers. With the scope
 * carried to the write, the event loop's write on the socket of the launch namespace is {@code SOCKET_IO}.
 * The mirrored programs (a client made and used inside one namespace, one used outside scopes only, one built
 * on a channel born in the namespace) stay silent in strict mode.
 *
 * <p>The event loop's thread is started outside any scope before each test, so where it was born plays no
 * part here (that trap is {@link NettyStrayEventLoopTest}'s).
 */
class NettyEventLoopTest {
    private static TwinServers servers;
    private EventLoopGroup group;
    private NettyHttp client;

    @BeforeAll
    static void startServers() throws IOException {
        servers = TwinServers.start("ngtest-nt-");
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @BeforeEach
    void startEventLoop() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        group.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeClientAndReset() {
        if (client != null) {
            client.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
    }

    @Test
    void aWriteHandedToTheEventLoopInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, nio(), servers.port());
        assertEquals(TwinServers.LAUNCH, client.get());

        String inside = servers.blue().call(host -> client.get());

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        assertOnlySocketIoOnTheEventLoop();
    }

    @Test
    void aTaskScheduledOnTheEventLoopInsideAScopeCarriesIt() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, nio(), servers.port());
        assertEquals(TwinServers.LAUNCH, client.get());

        CompletableFuture<NettyHttp.Sent> sent = new CompletableFuture<>();
        servers.blue().run(host -> client.channel().eventLoop().schedule(() -> sent.complete(client.send()),
                1, TimeUnit.MILLISECONDS));
        String answer = NettyHttp.answer(sent.get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered a request made in blue");
        assertOnlySocketIoOnTheEventLoop();
    }

    @Test
    void strictModeFailsTheWriteOnTheEventLoop() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, nio(), servers.port());
        assertEquals(TwinServers.LAUNCH, client.get());

        NettyHttp.Sent sent = servers.blue().call(host -> client.send());

        assertTrue(sent.written().await(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS), "the write completed");
        // Netty shuts the connection's output down on a failed write and names the guard's error as the cause
        NetNSViolationError error = assertInstanceOf(NetNSViolationError.class, guardError(sent.written().cause()),
                "the write failed with the guard's error: " + sent.written().cause());
        assertEquals("SOCKET_IO", error.kind());
        assertTrue(NetnsGuard.violations("SOCKET_IO") >= 1, NetnsGuard.recentViolations().toString());
    }

    @Test
    void aClientMadeAndUsedInsideOneNamespaceIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> servers.blue().call(host -> {
            client = NettyHttp.connect(group, nio(), servers.port());
            return List.of(client.get(), client.get());
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aClientUsedOutsideScopesOnlyIsSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, nio(), servers.port());

        List<String> answers = assertSilent(() -> List.of(client.get(), client.get()));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
    }

    @Test
    void aChannelBornInTheNamespaceIsSilentInsideItsScopeAndOutside() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, new NetNSChannelFactory<>(servers.blue(), NioSocketChannel.class), servers.port());

        List<String> answers = assertSilent(() -> List.of(client.get(), servers.blue().call(host -> client.get())));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    private static void assertOnlySocketIoOnTheEventLoop() {
        Map<String, Long> reported = new TreeMap<>(NetnsGuard.counts());
        reported.values().removeIf(n -> n == 0);
        assertEquals(Set.of("SOCKET_IO"), reported.keySet(), "only SOCKET_IO reports: " + reported);
        List<Violation> io = NetnsGuard.recentViolations().stream().filter(v -> v.kind().equals("SOCKET_IO")).toList();
        assertTrue(!io.isEmpty(), "the write was reported");
        for (Violation v : io) {
            assertEquals(servers.blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("io.netty.")), v.toString());
            assertNotNull(v.submittedFrom(), "the report says where the work was handed over: " + v);
            assertTrue(v.submittedFrom().stream().anyMatch(frame -> frame.startsWith(NettyEventLoopTest.class.getName())),
                    v.toString());
        }
    }

    private static Throwable guardError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NetNSViolationError) {
                return t;
            }
        }
        return failure;
    }

    private static ReflectiveChannelFactory<NioSocketChannel> nio() {
        return new ReflectiveChannelFactory<>(NioSocketChannel.class);
    }

    interface Body<T> {
        T run() throws Exception;
    }

    private static <T> T assertSilent(Body<T> body) {
        T result;
        try {
            result = body.run();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
        return result;
    }
}
