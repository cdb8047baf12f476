package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Apache HttpClient 5's async client hands every connect to its I/O reactor's thread, which opens the socket,
 * and queues every request for that thread to write. Each misuse class, proven by which twin server answered:
 * a pooled connection of the launch namespace reused inside a scope of another ({@code SOCKET_IO}, at the
 * queuing, on the calling thread); a connect asked for inside a scope but opened by the reactor's launch thread
 * ({@code SOCKET_OPEN}, carried from the scope); a reactor started inside a scope, born in that namespace, that
 * serves a request made outside ({@code STRAY_THREAD}). The mirrored programs stay silent in strict mode: a
 * client started and used inside one call, one used only outside, and one whose reactor runs on
 * {@code NetNS.threadFactory()}, bound to its namespace whoever makes the requests.
 */
class ApacheAsyncClientTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-al-");
    private CloseableHttpAsyncClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close(CloseMode.IMMEDIATE);
        }
    }

    /** One reactor thread: which thread opens a connection is then not a matter of chance. */
    private static HttpAsyncClientBuilder oneReactorThread() {
        return HttpAsyncClients.custom().setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build());
    }

    /** One reactor thread and a pool whose idle connections the test can see. */
    private static HttpAsyncClientBuilder oneReactorThread(PoolingAsyncClientConnectionManager pool) {
        return oneReactorThread().setConnectionManager(pool);
    }

    /**
     * Waits until the request before has given its connection back to {@code pool}: the client completes the
     * response before it releases the connection (on the reactor's thread), and a request made in between
     * would open a connection of its own instead of reusing the pooled one.
     */
    private static void connectionBackIn(PoolingAsyncClientConnectionManager pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.getTotalStats().getAvailable() < 1) {
            if (System.nanoTime() > deadline) {
                fail("the first request's connection never came back to the pool: " + pool.getTotalStats());
            }
            Thread.sleep(5);
        }
    }

    private static CloseableHttpAsyncClient started(HttpAsyncClientBuilder builder) {
        CloseableHttpAsyncClient started = builder.build();
        started.start();
        return started;
    }

    private static String get(CloseableHttpAsyncClient client) throws Exception {
        SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(twins.servers().url()).build(), null)
                .get(10, TimeUnit.SECONDS);
        return response.getBodyText();
    }

    @Test
    void aPooledConnectionUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create().build();
        client = started(oneReactorThread(pool));
        assertEquals(TwinServers.LAUNCH, get(client));
        connectionBackIn(pool);
        NetnsGuard.resetCounters();

        String inside = twins.servers().blue().call(host -> get(client));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("org.apache.hc.")), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith(ApacheAsyncClientTest.class.getName())),
                    "reported on the thread that made the request: " + v);
        }
    }

    @Test
    void strictModeStopsTheRequestOnAPooledConnectionBeforeItIsQueued() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create().build();
        client = started(oneReactorThread(pool));
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> get(client)));
        connectionBackIn(pool);

        NetNSViolationError error = assertThrows(NetNSViolationError.class, () -> twins.servers().blue().call(host -> get(client)));

        assertEquals("SOCKET_IO", error.kind());
        assertEquals(TwinServers.LAUNCH, get(client), "the client goes on serving outside scopes");
    }

    @Test
    void aConnectAskedForInsideAScopeIsCarriedToTheReactorAndReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = started(oneReactorThread());

        String inside = twins.servers().blue().call(host -> get(client));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the reactor's thread opened the connection in the"
                + " launch namespace for a request made in blue");
        for (Violation v : assertOnly("SOCKET_OPEN")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertNotNull(v.submittedFrom(), "the report says where the connection was asked for: " + v);
            assertTrue(v.submittedFrom().stream().anyMatch(frame -> frame.startsWith(ApacheAsyncClientTest.class.getName())), v.toString());
        }
    }

    @Test
    void strictModeFailsTheRequestWhoseConnectionTheReactorWouldOpenForAnotherNamespace() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = started(oneReactorThread());

        ExecutionException failure = assertThrows(ExecutionException.class, () -> twins.servers().blue().call(host -> get(client)));

        // HttpClient wraps the refused connect in its HttpHostConnectException, with the guard's message
        ConnectException refused = assertInstanceOf(ConnectException.class, failure.getCause(), "a refused connect, not retried");
        assertTrue(refused.getMessage().contains("netns-guard: SOCKET_OPEN"), refused.getMessage());
        assertEquals(Map.of("SOCKET_OPEN", 1L), GuardAssertions.reported());
        assertEquals(TwinServers.LAUNCH, get(client), "the reactor goes on serving requests made outside scopes");
    }

    @Test
    void aReactorStartedInsideAScopeServesEverybodyFromThereAndIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = twins.servers().blue().call(host -> started(oneReactorThread()));
        assertEquals(0, NetnsGuard.violations(), "starting the client is no misuse by itself: " + NetnsGuard.recentViolations());

        String outside = get(client);

        assertEquals(TwinServers.BLUE, outside, "the misuse happened: a request made outside any scope reached blue's server");
        Violation v = assertOnly("STRAY_THREAD").get(0);
        assertEquals(NetnsGuard.launchInode(), v.expected(), v.toString());
        assertEquals(twins.servers().blue().inode(), v.actual(), v.toString());
        assertTrue(v.detail().startsWith("SOCKET_OPEN on pool thread"), v.detail());
        assertTrue(v.detail().contains("born in net:[" + twins.servers().blue().inode() + "] inside a scope"), v.detail());
    }

    @Test
    void aClientStartedAndUsedInsideOneCallIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = started(oneReactorThread());
            return List.of(get(client), get(client)); // the second over the pooled connection
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aClientUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = started(oneReactorThread());

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), assertSilent(() -> List.of(get(client), get(client))));
    }

    @Test
    void aReactorOnTheNamespacesThreadFactoryServesItsNamespaceForEverybodyAndIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = started(oneReactorThread().setThreadFactory(twins.servers().blue().threadFactory()));

        List<String> answers = assertSilent(() -> List.of(
                twins.servers().blue().call(host -> get(client)), // a new connection, opened by the reactor in blue
                twins.servers().blue().call(host -> get(client)), // the pooled one, inside blue's scope
                get(client))); // the pooled one, outside any scope

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE, TwinServers.BLUE), answers);
    }
}
