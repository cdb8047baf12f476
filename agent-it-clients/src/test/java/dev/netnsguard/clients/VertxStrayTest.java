package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static dev.netnsguard.clients.VertxHttp.await;
import static dev.netnsguard.clients.VertxHttp.get;
import static dev.netnsguard.clients.VertxHttp.socketGet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x starts its threads lazily: an event loop's with the first task handed to it, a worker with the first
 * blocking task. Started from inside {@code ns.call}, the thread is born in that namespace and keeps it, then
 * serves everybody from there: a connection the event loop makes, or a socket blocking code makes, for work that
 * expects the launch namespace is born in the wrong one and reaches the other namespace's server. Reported as
 * {@code STRAY_THREAD} with where the thread was born. The mirrored program, a Vertx whose threads are the
 * namespace's on purpose (event loops that enter it, a worker pool of {@code ns.newExecutor}), stays silent
 * in strict mode inside the namespace's scope and outside any.
 */
class VertxStrayTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-vx-");
    private Vertx vertx;

    @AfterEach
    void closeVertx() throws Exception {
        if (vertx != null) {
            VertxHttp.close(vertx);
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Vert.x's own work");
    }

    @Test
    void aVertxMadeAndFirstUsedInsideACallServesTheLaunchNamespaceFromThereAndIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        vertx = twins.servers().blue().call(host -> {
            Vertx made = Vertx.vertx(oneLoopOneWorker());
            Promise<Void> started = Promise.promise();
            made.runOnContext(v -> started.complete());
            await(started.future());
            return made;
        });
        assertEquals(0, NetnsGuard.violations(), "making and starting it inside the call is no misuse by itself: "
                + NetnsGuard.recentViolations());

        String answer = await(get(VertxHttp.pooledClient(vertx), twins.servers().port()));

        assertEquals(TwinServers.BLUE, answer, "the misuse happened: a request made outside scopes reached blue's server");
        assertOnlyStraysFromBlue("vert.x-eventloop-thread-", "born in net:[" + twins.servers().blue().inode() + "] inside a scope");
    }

    /**
     * Only STRAY_THREAD reports, each a socket opened for the launch namespace on a pool thread named
     * {@code threadPrefix...} that lives in blue, whose report says {@code born}.
     */
    private static void assertOnlyStraysFromBlue(String threadPrefix, String born) {
        for (Violation v : assertOnly("STRAY_THREAD")) {
            assertEquals(NetnsGuard.launchInode(), v.expected(), v.toString());
            assertEquals(twins.servers().blue().inode(), v.actual(), v.toString());
            assertTrue(v.thread().startsWith(threadPrefix), v.toString());
            assertTrue(v.detail().startsWith("SOCKET_OPEN on pool thread"), v.detail());
            assertTrue(v.detail().contains(born), v.detail());
        }
    }

    @Test
    void aWorkerFirstStartedInsideACallServesTheLaunchNamespaceFromThereAndIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        vertx = startedOutside();
        NetnsGuard.resetCounters();
        Context context = vertx.getOrCreateContext();
        twins.servers().blue().call(host -> await(context.executeBlocking(() -> null)));
        assertEquals(0, NetnsGuard.violations(), "starting the worker is no misuse by itself: " + NetnsGuard.recentViolations());

        String answer = await(context.executeBlocking(() -> socketGet(twins.servers().port())));

        assertEquals(TwinServers.BLUE, answer, "the misuse happened: blocking code handed over outside scopes reached blue's server");
        // the context's queue hands its runner to the pool with the submitter's scope taken off, so the
        // worker is started by the call's thread in blue, though not inside its scope
        assertOnlyStraysFromBlue("vert.x-worker-thread-", "born in net:[" + twins.servers().blue().inode() + "], started by \"netns-");
    }

    @Test
    void strictModeFailsTheBlockingCodeOnTheStrayWorker() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        vertx = startedOutside();
        Context context = vertx.getOrCreateContext();
        twins.servers().blue().call(host -> await(context.executeBlocking(() -> null)));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> await(context.executeBlocking(() -> socketGet(twins.servers().port()))));

        NetNSViolationError error = assertInstanceOf(NetNSViolationError.class, failed.getCause(),
                "Vert.x fails the future with what the blocking code threw");
        assertEquals("STRAY_THREAD", error.kind());
    }

    @Test
    void strictModeFailsTheRequestWhoseConnectionTheStrayLoopMakes() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        vertx = twins.servers().blue().call(host -> {
            Vertx made = Vertx.vertx(oneLoopOneWorker());
            Promise<Void> started = Promise.promise();
            made.runOnContext(v -> started.complete());
            await(started.future());
            return made;
        });

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> await(get(VertxHttp.pooledClient(vertx), twins.servers().port())));

        assertEquals("STRAY_THREAD", guardError(failed.getCause()).kind(), failed.getCause().toString());
    }

    @Test
    void aVertxOnTheNamespacesThreadsIsSilentInsideItsScopeAndOutside() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        NetNS blue = twins.servers().blue();
        vertx = VertxBootstrap.create().options(oneLoopOneWorker())
                .threadFactory(enteringThreads(blue))
                .executorServiceFactory((threads, concurrency, maxConcurrency) -> blue.newExecutor(maxConcurrency))
                .init().vertx();
        HttpClientAgent client = VertxHttp.pooledClient(vertx);
        Context context = vertx.getOrCreateContext();

        List<String> answers = assertSilent(() -> List.of(
                await(get(client, twins.servers().port())),
                blue.call(host -> await(get(client, twins.servers().port()))),
                await(context.executeBlocking(() -> socketGet(twins.servers().port()))),
                blue.call(host -> await(context.executeBlocking(() -> socketGet(twins.servers().port())))),
                // the worker pool is blue's own, as a pool of ns.newExecutor: work handed to it runs in blue,
                // whoever hands it over, ordered or not
                NetNS.launch().call(host -> await(context.executeBlocking(() -> socketGet(twins.servers().port())))),
                NetNS.launch().call(host -> await(context.executeBlocking(() -> socketGet(twins.servers().port()), false)))));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE,
                TwinServers.BLUE), answers);
    }

    /** Vert.x threads that enter {@code ns} before they run anything: event loops bound to the namespace. */
    private static VertxThreadFactory enteringThreads(NetNS ns) {
        return new VertxThreadFactory() {
            @Override
            public VertxThread newVertxThread(Runnable target, String name, boolean worker, long maxExecTime, TimeUnit unit) {
                return new VertxThread(() -> {
                    ns.enterCurrentThread();
                    target.run();
                }, name, worker, maxExecTime, unit);
            }
        };
    }

    /** A Vertx whose one event loop and one worker are started here, outside any scope. */
    private static Vertx startedOutside() throws Exception {
        Vertx made = Vertx.vertx(oneLoopOneWorker());
        Promise<Void> started = Promise.promise();
        made.runOnContext(v -> started.complete());
        await(started.future());
        return made;
    }

    private static VertxOptions oneLoopOneWorker() {
        return new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1);
    }

    private static NetNSViolationError guardError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NetNSViolationError) {
                return (NetNSViolationError) t;
            }
        }
        throw new AssertionError("no guard error in " + failure, failure);
    }
}
