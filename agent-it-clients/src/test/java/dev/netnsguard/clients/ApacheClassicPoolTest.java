package dev.netnsguard.clients;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache HttpClient 5 (classic) keeps connections alive in its pooling connection manager. A client used
 * outside any scope and then inside {@code ns.call} of another namespace leases the launch namespace's
 * pooled connection for the request, and the launch server answers; only the write on the pooled socket
 * ({@code SOCKET_IO}) shows it. A client per namespace, or one used only outside scopes, stays silent.
 */
class ApacheClassicPoolTest {
    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-lib-");
    private CloseableHttpClient client;

    @AfterEach
    void closeClient() throws IOException {
        if (client != null) {
            client.close();
        }
    }

    private static String get(CloseableHttpClient client) throws IOException {
        return client.execute(new HttpGet(twins.servers().url()), response -> EntityUtils.toString(response.getEntity()));
    }

    @Test
    void aPooledConnectionUsedInsideAScopeOfAnotherNamespaceIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        client = HttpClients.createDefault();
        assertEquals(TwinServers.LAUNCH, get(client));

        String inside = twins.servers().blue().call(host -> get(client));

        assertEquals(TwinServers.LAUNCH, inside, "the misuse happened: the launch server answered a request made in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(twins.servers().blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("org.apache.hc.")), v.toString());
        }
    }

    @Test
    void strictModeStopsTheRequestBeforeItLeaves() {
        NetnsGuard.install("mode=strict,log=none");
        client = HttpClients.createDefault();
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> get(client)));

        NetNSViolationError error = assertThrows(NetNSViolationError.class, () -> twins.servers().blue().call(host -> get(client)));

        assertEquals("SOCKET_IO", error.kind());
    }

    @Test
    void aClientCreatedAndUsedInsideOneNamespaceIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> twins.servers().blue().call(host -> {
            client = HttpClients.createDefault();
            return List.of(get(client), get(client)); // the second over the pooled connection
        }));

        assertEquals(List.of(TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    @Test
    void aClientUsedOutsideScopesOnlyIsSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        client = HttpClients.createDefault();

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH), assertSilent(() -> List.of(get(client), get(client))));
    }
}
