package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static dev.netnsguard.clients.VertxHttp.await;
import static dev.netnsguard.clients.VertxHttp.get;
import static dev.netnsguard.clients.VertxHttp.socketGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x 5 on Netty: its event loops are Netty's (they carry the submitter's scope), its worker pool is a
 * {@code ThreadPoolExecutor}, and its contexts queue blocking work in their own ordered {@code TaskQueue}. A
 * Vertx made outside any scope serves code inside {@code ns.call} of another namespace from threads of the
 * launch namespace: a pooled keep-alive connection written from inside the scope ({@code SOCKET_IO}), the
 * connection of a client's first request, a socket made by work handed to an event loop ({@code runOnContext})
 * or to the worker pool ({@code executeBlocking}, a worker context's events), ordered behind work of another
 * scope or not ({@code SOCKET_OPEN}, {@code SOCKET_CONNECT}, {@code SOCKET_IO}), each proven by the twin servers
 * first. The mirrored programs (a Vertx used outside scopes only, one made, used and closed inside one call, one
 * whose sockets are born in the namespace, an ordered task from outside scopes queued behind one from inside a
 * scope) stay silent in strict mode.
 *
 * <p>Where Vert.x's threads are born is {@link VertxStrayTest}'s part: here every Vertx thread a test uses is
 * started outside scopes first.
 */
class VertxTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-vx-");
    private Vertx vertx;

    @BeforeEach
    void startVertx() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        // one event loop and one worker, both started here, outside any scope
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        Promise<Void> loopStarted = Promise.promise();
        vertx.runOnContext(v -> loopStarted.complete());
        await(loopStarted.future());
        await(vertx.executeBlocking(() -> null));
        NetnsGuard.resetCounters();
    }

    @AfterEach
    void closeVertx() throws Exception {
        VertxHttp.close(vertx);
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Vert.x's own work");
    }

    @Test
    void aPooledConnectionUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        HttpClientAgent client = VertxHttp.pooledClient(vertx);
        assertEquals(TwinServers.LAUNCH, await(get(client, twins.servers().port())));
        VertxHttp.settle(vertx);

        String inside = twins.servers().blue().call(host -> await(get(client, twins.servers().port())));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("io.vertx.")), v.toString());
            assertNotNull(v.submittedFrom(), "the write was handed over inside the scope: " + v);
        }
    }

    @Test
    void strictModeFailsTheRequestOnThePooledConnection() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        HttpClientAgent client = VertxHttp.pooledClient(vertx);
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> await(get(client, twins.servers().port()))));
        VertxHttp.settle(vertx);

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> twins.servers().blue().call(host -> await(get(client, twins.servers().port()))));

        // the write runs on the connection's event loop and throws there: Netty fails it and closes the
        // channel, and Vert.x fails the request with the closed connection, not with the guard's error
        assertInstanceOf(HttpClosedException.class, failed.getCause(), failed.getCause().toString());
        assertOnly("SOCKET_IO");
    }

    @Test
    void aClientOfTheLaunchNamespaceFirstUsedInsideAScopeIsReportedAtItsSocketsBirth() throws Exception {
        HttpClientAgent client = VertxHttp.pooledClient(vertx);

        String inside = twins.servers().blue().call(host -> await(get(client, twins.servers().port())));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the event loop connected in the launch namespace");
        // the connection's socket and the event loop's DNS resolver's, made for the first connect (SOCKET_BIND);
        // the request is written when the connect completes, an I/O event with no submitter: not judged
        assertEquals(Set.of("SOCKET_OPEN", "SOCKET_BIND", "SOCKET_CONNECT"), reportedKinds(), NetnsGuard.recentViolations().toString());
        assertEquals(Set.of("NioSocketChannel", "NioDatagramChannel"), NetnsGuard.recentViolations().stream()
                .filter(v -> v.kind().equals("SOCKET_OPEN")).map(VertxTest::channelClass).collect(Collectors.toSet()));
        assertExpectedBlueActualLaunch();
    }

    @ParameterizedTest(name = "through the Vertx: {0}")
    @ValueSource(booleans = {false, true})
    void runOnContextInsideAScopeCarriesIt(boolean throughVertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<String> answer = Promise.promise();
        Handler<Void> work = v -> {
            try {
                answer.complete(socketGet(twins.servers().port()));
            } catch (Throwable t) {
                answer.fail(t);
            }
        };

        // vertx.runOnContext runs on the context of the call's thread: a context of its own on the one event loop
        twins.servers().blue().run(host -> {
            if (throughVertx) {
                vertx.runOnContext(work);
            } else {
                context.runOnContext(work);
            }
        });

        assertEquals(TwinServers.LAUNCH, await(answer.future()), "the misuse happened: the event loop's socket is the launch namespace's");
        assertEquals(Set.of("SOCKET_OPEN", "SOCKET_CONNECT", "SOCKET_IO"), reportedKinds(), NetnsGuard.recentViolations().toString());
        assertExpectedBlueActualLaunch();
        assertTrue(NetnsGuard.recentViolations().get(0).thread().startsWith("vert.x-eventloop-thread-"),
                NetnsGuard.recentViolations().toString());
    }

    @Test
    void executeBlockingInsideAScopeCarriesIt() throws Exception {
        Context context = vertx.getOrCreateContext();

        String inside = twins.servers().blue().call(host -> await(context.executeBlocking(() -> socketGet(twins.servers().port()))));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the worker's socket is the launch namespace's");
        assertEquals(Set.of("SOCKET_OPEN", "SOCKET_CONNECT", "SOCKET_IO"), reportedKinds(), NetnsGuard.recentViolations().toString());
        assertExpectedBlueActualLaunch();
        assertTrue(NetnsGuard.recentViolations().get(0).thread().startsWith("vert.x-worker-thread-"),
                NetnsGuard.recentViolations().toString());
    }

    @Test
    void strictModeFailsTheFirstRequestAtItsConnectionsBirthOnTheEventLoop() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        HttpClientAgent client = VertxHttp.pooledClient(vertx);

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> twins.servers().blue().call(host -> await(get(client, twins.servers().port()))));

        // the channel is made on the event loop: Vert.x fails the request with what its making threw
        assertEquals("SOCKET_OPEN", guardError(failed.getCause()).kind(), failed.getCause().toString());
        assertTrue(NetnsGuard.violations("SOCKET_OPEN") >= 1, NetnsGuard.recentViolations().toString());
    }

    @Test
    void runOnContextOfAWorkerContextInsideAScopeCarriesIt() throws Exception {
        Promise<Context> deployed = Promise.promise();
        await(vertx.deployVerticle((Deployable) context -> {
            deployed.complete(context);
            return Future.succeededFuture();
        }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
        Context worker = await(deployed.future());
        NetnsGuard.resetCounters();
        Promise<String> answer = Promise.promise();

        // a worker context's events go through its ordered queue to the worker pool
        twins.servers().blue().run(host -> worker.runOnContext(v -> {
            try {
                answer.complete(socketGet(twins.servers().port()));
            } catch (Throwable t) {
                answer.fail(t);
            }
        }));

        assertEquals(TwinServers.LAUNCH, await(answer.future()), "the misuse happened: the worker's socket is the launch namespace's");
        assertEquals(Set.of("SOCKET_OPEN", "SOCKET_CONNECT", "SOCKET_IO"), reportedKinds(), NetnsGuard.recentViolations().toString());
        assertExpectedBlueActualLaunch();
        assertTrue(NetnsGuard.recentViolations().get(0).thread().startsWith("vert.x-worker-thread-"),
                NetnsGuard.recentViolations().toString());
    }

    @Test
    void strictModeFailsTheBlockingCodesFuture() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        Context context = vertx.getOrCreateContext();

        ExecutionException failed = assertThrows(ExecutionException.class, () -> twins.servers().blue().call(host ->
                await(context.executeBlocking(() -> socketGet(twins.servers().port())))));

        NetNSViolationError error = assertInstanceOf(NetNSViolationError.class, failed.getCause(),
                "Vert.x fails the future with what the blocking code threw");
        assertEquals("SOCKET_OPEN", error.kind());
    }

    @Test
    void anOrderedTaskQueuedBehindOneFromAScopeRunsWithItsOwnExpectation() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        Context context = vertx.getOrCreateContext();
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);

        // the context's queue runs its tasks one after the other on one worker: the first, handed over inside
        // blue's scope, still runs when the second, handed over outside scopes, joins the queue
        var first = twins.servers().blue().call(host -> context.executeBlocking(() -> {
            started.countDown();
            return queued.await(VertxHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }));
        assertTrue(started.await(VertxHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        var second = context.executeBlocking(() -> socketGet(twins.servers().port()));
        queued.countDown();

        assertEquals(List.of(true, TwinServers.LAUNCH), List.of(await(first), await(second)));
        assertEquals(0, NetnsGuard.violations(), "the second task expects the launch namespace: " + NetnsGuard.recentViolations());
    }

    @Test
    void anOrderedTaskFromAScopeQueuedBehindOneFromOutsideIsReported() throws Exception {
        Context context = vertx.getOrCreateContext();
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);

        var first = context.executeBlocking(() -> {
            started.countDown();
            return queued.await(VertxHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        });
        assertTrue(started.await(VertxHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        var second = twins.servers().blue().call(host -> context.executeBlocking(() -> socketGet(twins.servers().port())));
        queued.countDown();

        assertEquals(List.of(true, TwinServers.LAUNCH), List.of(await(first), await(second)),
                "the misuse happened: the second task's socket is the launch namespace's");
        assertEquals(Set.of("SOCKET_OPEN", "SOCKET_CONNECT", "SOCKET_IO"), reportedKinds(), NetnsGuard.recentViolations().toString());
        assertExpectedBlueActualLaunch();
    }

    @Test
    void aVertxUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        Context context = vertx.getOrCreateContext();
        HttpClientAgent client = VertxHttp.pooledClient(vertx);

        List<String> answers = assertSilent(() -> {
            Promise<String> onLoop = Promise.promise();
            context.runOnContext(v -> get(client, twins.servers().port()).onComplete(onLoop));
            return List.of(await(get(client, twins.servers().port())), await(onLoop.future()),
                    await(context.executeBlocking(() -> socketGet(twins.servers().port()))),
                    await(vertx.executeBlocking(() -> socketGet(twins.servers().port()), false)));
        });

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH, TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
    }

    @Test
    void aVertxMadeUsedAndClosedInsideOneCallIsSilent() {
        NetnsGuard.install("mode=strict,log=none");

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            Vertx own = Vertx.vertx();
            try {
                HttpClientAgent client = VertxHttp.pooledClient(own);
                Context context = own.getOrCreateContext();
                return List.of(await(get(client, twins.servers().port())), await(get(client, twins.servers().port())),
                        await(context.executeBlocking(() -> socketGet(twins.servers().port()))));
            } finally {
                VertxHttp.close(own);
            }
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aVertxWhoseSocketsAreBornInTheNamespaceIsSilentInsideItsScopeAndOutside() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        Vertx bound = VertxInNamespace.vertxIn(twins.servers().blue(), new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpClientAgent client = VertxHttp.pooledClient(bound);

            List<String> answers = assertSilent(() -> {
                String outside = await(get(client, twins.servers().port()));
                VertxHttp.settle(bound);
                return List.of(outside, twins.servers().blue().call(host -> await(get(client, twins.servers().port()))),
                        await(get(client, twins.servers().port())));
            });

            assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE), answers);
        } finally {
            VertxHttp.close(bound);
        }
    }

    private static void assertExpectedBlueActualLaunch() {
        for (Violation v : NetnsGuard.recentViolations()) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertNotNull(v.submittedFrom(), "the work was handed over inside the scope: " + v);
        }
    }

    private static Set<String> reportedKinds() {
        Map<String, Long> reported = new TreeMap<>(NetnsGuard.counts());
        reported.values().removeIf(n -> n == 0);
        return reported.keySet();
    }

    private static NetNSViolationError guardError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NetNSViolationError) {
                return (NetNSViolationError) t;
            }
        }
        throw new AssertionError("no guard error in " + failure, failure);
    }

    /** The simple name of the Netty channel whose birth {@code v} reports. */
    private static String channelClass(Violation v) {
        return v.stack().stream().filter(frame -> frame.startsWith("io.netty.channel.socket.nio.")).findFirst()
                .map(frame -> frame.substring("io.netty.channel.socket.nio.".length(), frame.indexOf('.', "io.netty.channel.socket.nio.".length())))
                .orElse(v.toString());
    }
}
