package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OkHttp 5 keeps a connection alive in its pool; a client used outside any scope and then inside
 * {@code ns.call} of another namespace sends the request over the pooled socket of the launch namespace,
 * and the launch server answers. No socket is created or connected, so only the check on reads and
 * writes of existing sockets ({@code SOCKET_IO}) sees it. The mirrored programs (a client per namespace)
 * stay silent in strict mode.
 *
 * <p>The clients here connect on the calling thread ({@code fastFallback(false)}), so that OkHttp's JVM-wide
 * connect threads, whose namespace depends on where they were started, play no part.
 */
class OkHttpKeepAliveTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-lib-");
    private OkHttpClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
    }

    @Test
    void aPooledConnectionUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = newClient();
        assertEquals(TwinServers.LAUNCH, get(client));

        String inside = twins.servers().blue().call(host -> get(client));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        String fresh = twins.servers().blue().call(host -> {
            OkHttpClient own = newClientOf(twins.servers().blue());
            try {
                return get(own);
            } finally {
                own.connectionPool().evictAll();
                own.dispatcher().executorService().shutdown();
            }
        });
        assertEquals(TwinServers.BLUE, fresh, "a client of its own in blue reaches blue's server");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("okhttp3.")), v.toString());
        }
    }

    @Test
    void strictModeStopsTheRequestBeforeItLeaves() {
        NetnsGuard.install("mode=strict,log=none");
        client = newClient();
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> get(client)));

        NetNSViolationError error = assertThrows(NetNSViolationError.class, () -> twins.servers().blue().call(host -> get(client)));

        assertEquals("SOCKET_IO", error.kind());
        assertTrue(error.getMessage().contains("socket read or written"), error.getMessage());
    }

    @Test
    void anAllowedCallerIsNotReported() throws Exception {
        NetnsGuard.install("mode=strict,log=none,allow=okhttp3.*");
        NetnsGuard.resetCounters();
        client = newClient();
        assertEquals(TwinServers.LAUNCH, get(client));

        assertEquals(TwinServers.LAUNCH, twins.servers().blue().call(host -> get(client)), "the reuse happened");

        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    @Test
    void aClientWithTheNamespacesSocketFactoryUsedInsideItIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = newClientOf(twins.servers().blue());
            return List.of(get(client), get(client)); // the second over the pooled connection
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
        assertEquals(1, client.connectionPool().connectionCount(), "one connection, kept alive and reused");
    }

    @Test
    void aClientCreatedAndUsedInsideOneNamespaceIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = newClient();
            return List.of(get(client), get(client)); // the second over the pooled connection
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
        assertEquals(1, client.connectionPool().connectionCount(), "one connection, kept alive and reused");
    }

    @Test
    void aClientUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = newClient();

        List<String> answers = assertSilent(() -> List.of(get(client), get(client)));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), answers);
        assertEquals(1, client.connectionPool().connectionCount(), "one connection, kept alive and reused");
    }

    private static OkHttpClient newClient() {
        return new OkHttpClient.Builder().fastFallback(false).callTimeout(10, TimeUnit.SECONDS).build();
    }

    /** A client whose sockets are born in {@code ns}, whichever thread creates them. */
    private static OkHttpClient newClientOf(dev.netnsguard.NetNS ns) {
        return newClient().newBuilder().socketFactory(ns.socketFactory()).build();
    }

    private static String get(OkHttpClient client) throws IOException {
        try (Response response = client.newCall(new Request.Builder().url(twins.servers().url()).build()).execute()) {
            return response.body().string();
        }
    }
}
