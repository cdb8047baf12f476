package dev.netnsguard.clients;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Apache HttpClient 5 with {@link ApacheHttpClientInNamespace}: its pools reuse connections made inside only. */
class ApacheHttpClientTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    private TwinHttpNamespace http;

    @BeforeEach
    void start() throws Exception {
        http = new TwinHttpNamespace();
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
    }

    private static String get(CloseableHttpClient client, String url) throws IOException {
        return client.execute(new HttpGet(url), response -> EntityUtils.toString(response.getEntity()));
    }

    /** The body, once the connection is back in the pool (the response may complete a moment before). */
    private static String get(CloseableHttpAsyncClient client, PoolingAsyncClientConnectionManager pool, String url)
            throws Exception {
        SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(url).build(), null).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.getTotalStats().getLeased() > 0) {
            assertTrue(System.nanoTime() < deadline, "the connection was never released to the pool: " + pool.getTotalStats());
            Thread.sleep(1);
        }
        return response.getBodyText();
    }

    @Test
    void aDefaultClassicClientReachesTheLaunchNamespace() throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            assertEquals(TwinHttpServers.OUTSIDE, get(client, http.servers.url("/")));
        }
    }

    @Test
    void classicRequestsReachTheServerInsideThroughOnePooledConnection() throws IOException {
        try (CloseableHttpClient client = ApacheHttpClientInNamespace.classicClientIn(http.namespace.ns)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(TwinHttpServers.INSIDE, get(client, http.servers.url("/" + i)));
            }
            assertEquals("inside", get(client, http.servers.url(NameServerInside.newName(), "/by-name")));
        }
        List<Integer> ports = http.servers.insideClientPorts();
        assertEquals(6, ports.size());
        assertEquals(2, ports.stream().distinct().count(),
                "one pooled connection for 127.0.0.1 and one for the name (another route): " + ports);
        assertEquals(0, http.servers.outsideRequests());
    }

    @Test
    void asyncRequestsReachTheServerInsideThroughOnePooledConnection() throws Exception {
        PoolingAsyncClientConnectionManager pool = ApacheHttpClientInNamespace.asyncPoolIn(http.namespace.ns);
        try (CloseableHttpAsyncClient client = ApacheHttpClientInNamespace.asyncClientIn(http.namespace.ns, pool)) {
            client.start();
            for (int i = 0; i < 5; i++) {
                assertEquals(TwinHttpServers.INSIDE, get(client, pool, http.servers.url("/" + i)));
            }
            assertEquals(TwinHttpServers.INSIDE, get(client, pool, http.servers.url(NameServerInside.newName(), "/by-name")));
            assertEquals(2, pool.getTotalStats().getAvailable(), "both connections are pooled: " + pool.getTotalStats());
        }
        List<Integer> ports = http.servers.insideClientPorts();
        assertEquals(6, ports.size());
        assertEquals(2, ports.stream().distinct().count(), "one pooled connection per route: " + ports);
        assertEquals(0, http.servers.outsideRequests());
    }
}
