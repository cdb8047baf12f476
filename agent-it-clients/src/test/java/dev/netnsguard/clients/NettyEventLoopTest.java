package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netty.NetNSChannelFactory;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
 * <p>Each case runs on NIO (JDK sockets) and on native epoll (sockets made in JNI, judged through the agent's
 * hooks on Netty's {@code Socket} and {@code FileDescriptor}); the births and the silent mirrors on io_uring too. The event loop's thread is started outside any
 * scope first, so where it was born plays no part here (that trap is {@link NettyStrayEventLoopTest}'s).
 */
class NettyEventLoopTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-nt-");
    private EventLoopGroup group;
    private NettyHttp client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Netty's own work");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"}) // io_uring connects and writes through its ring
    void aWriteHandedToTheEventLoopInsideAScopeOfAnotherNamespaceIsReported(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, transport.channels(), twins.servers().port());
        assertEquals(TwinServers.LAUNCH, client.get());

        String inside = twins.servers().blue().call(host -> client.get());

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        assertOnlySocketIoOnTheEventLoop();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"}) // io_uring connects and writes through its ring
    void aTaskScheduledOnTheEventLoopInsideAScopeCarriesIt(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, transport.channels(), twins.servers().port());
        assertEquals(TwinServers.LAUNCH, client.get());

        CompletableFuture<NettyHttp.Sent> sent = new CompletableFuture<>();
        twins.servers().blue().run(host -> client.channel().eventLoop().schedule(() -> sent.complete(client.send()),
                1, TimeUnit.MILLISECONDS));
        String answer = NettyHttp.answer(sent.get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered a request made in blue");
        assertOnlySocketIoOnTheEventLoop();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"}) // io_uring connects and writes through its ring
    void aConnectHandedToTheEventLoopInsideAScopeOfAnotherNamespaceIsReported(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.registered(group, transport.channels());

        twins.servers().blue().call(host -> client.connect(twins.servers().port())).awaitConnected();

        assertEquals(TwinServers.LAUNCH, client.get(), "the misuse happened: the channel made outside connected there");
        assertEquals(Set.of("SOCKET_CONNECT"), reportedKinds(), NetnsGuard.recentViolations().toString());
        Violation v = NetnsGuard.recentViolations().get(0);
        assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
        assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
        assertNotNull(v.submittedFrom(), v.toString());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aChannelMadeByATaskHandedToALoopOfTheLaunchNamespaceInsideAScopeIsReportedAtItsBirth(Transport transport)
            throws Exception {
        group = transport.startedGroup();
        EventLoopGroup maker = transport.startedGroup();
        try {
            NetnsGuard.install("mode=report,log=none");
            NetnsGuard.resetCounters();

            client = twins.servers().blue().call(host -> maker.submit(() -> NettyHttp.begin(group, transport.channels(),
                    twins.servers().port())).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS)).awaitConnected();

            assertEquals(TwinServers.LAUNCH, client.get(), "the misuse happened: the socket was born in the launch namespace");
            // io_uring connects through its ring, out of the guard's sight: its socket's birth is what is seen
            Set<String> kinds = transport == Transport.IO_URING ? Set.of("SOCKET_OPEN") : Set.of("SOCKET_OPEN", "SOCKET_CONNECT");
            assertEquals(kinds, reportedKinds(), NetnsGuard.recentViolations().toString());
            for (Violation v : NetnsGuard.recentViolations()) {
                assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
                assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            }
        } finally {
            maker.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"}) // io_uring connects and writes through its ring
    void strictModeFailsTheWriteOnTheEventLoop(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, transport.channels(), twins.servers().port());
        assertEquals(TwinServers.LAUNCH, client.get());

        NettyHttp.Sent sent = twins.servers().blue().call(host -> client.send());

        assertTrue(sent.written().await(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS), "the write completed");
        // Netty shuts the connection's output down on a failed write and names the guard's error as the cause
        NetNSViolationError error = assertInstanceOf(NetNSViolationError.class, guardError(sent.written().cause()),
                "the write failed with the guard's error: " + sent.written().cause());
        assertEquals("SOCKET_IO", error.kind());
        assertTrue(NetnsGuard.violations("SOCKET_IO") >= 1, NetnsGuard.recentViolations().toString());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientMadeAndUsedInsideOneNamespaceIsSilent(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = NettyHttp.connect(group, transport.channels(), twins.servers().port());
            return List.of(client.get(), client.get());
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientUsedOutsideScopesOnlyIsSilent(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, transport.channels(), twins.servers().port());

        List<String> answers = assertSilent(() -> List.of(client.get(), client.get()));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aChannelBornInTheNamespaceIsSilentInsideItsScopeAndOutside(Transport transport) throws Exception {
        group = transport.startedGroup();
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = NettyHttp.connect(group, new NetNSChannelFactory<>(twins.servers().blue(), transport.channelClass()), twins.servers().port());

        List<String> answers = assertSilent(() -> List.of(client.get(), twins.servers().blue().call(host -> client.get())));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    private static Set<String> reportedKinds() {
        Map<String, Long> reported = new TreeMap<>(NetnsGuard.counts());
        reported.values().removeIf(n -> n == 0);
        return reported.keySet();
    }

    private static void assertOnlySocketIoOnTheEventLoop() {
        assertEquals(Set.of("SOCKET_IO"), reportedKinds(), "only SOCKET_IO reports: " + NetnsGuard.counts());
        List<Violation> io = NetnsGuard.recentViolations().stream().filter(v -> v.kind().equals("SOCKET_IO")).toList();
        assertTrue(!io.isEmpty(), "the write was reported");
        for (Violation v : io) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
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
