package dev.netnsguard.clients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2: one connection carries every request as a stream, so where that connection was made decides
 * where every later request goes. The JDK HttpClient (h2c upgrade) with an executor of namespace threads
 * and OkHttp (prior knowledge) with the namespace's socket factory make theirs inside, and keep
 * multiplexing over it from threads outside any scope; a client whose HTTP/2 connection was made in the
 * launch namespace cannot be used inside a call.
 */
class Http2Test {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    private TestNamespace namespace;
    private TwinHttp2Servers servers;
    private ExecutorService inside;

    @BeforeEach
    void start() throws Exception {
        namespace = new TestNamespace();
        servers = new TwinHttp2Servers(namespace.ns);
        inside = namespace.ns.newExecutor(2);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (inside != null) {
                inside.shutdownNow();
                assertTrue(inside.awaitTermination(30, TimeUnit.SECONDS));
            }
            if (servers != null) {
                servers.close();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(servers.url(path))).version(HttpClient.Version.HTTP_2).build();
    }

    @Test
    void aDefaultJdkClientReachesTheLaunchNamespaceOverHttp2() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(get("/"), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertEquals(TwinHttpServers.OUTSIDE, response.body());
    }

    @Test
    void theJdkClientMultiplexesEveryRequestOverOneConnectionInside() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(inside).version(HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = client.sendAsync(get("/" + i), HttpResponse.BodyHandlers.ofString())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(HttpClient.Version.HTTP_2, response.version(), "upgraded to h2c");
            assertEquals(TwinHttpServers.INSIDE, response.body());
        }
        HttpResponse<String> blocking = namespace.ns.call(host -> client.send(get("/blocking"), HttpResponse.BodyHandlers.ofString()));
        assertEquals(TwinHttpServers.INSIDE, blocking.body());
        List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            concurrent.add(client.sendAsync(get("/concurrent/" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : concurrent) {
            assertEquals(TwinHttpServers.INSIDE, response.get(30, TimeUnit.SECONDS).body());
        }
        List<Integer> ports = servers.insideClientPorts();
        assertEquals(10, ports.size());
        assertEquals(1, ports.stream().distinct().count(), "ten streams over one HTTP/2 connection: " + ports);
        assertEquals(0, servers.outsideRequests());
    }

    private static OkHttpClient priorKnowledge(OkHttpClient client) {
        return client.newBuilder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).build();
    }

    private String okGet(OkHttpClient client, String path) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url(servers.url(path)).build()).execute()) {
            assertEquals(Protocol.H2_PRIOR_KNOWLEDGE, response.protocol());
            return response.body().string();
        }
    }

    @Test
    void okHttpMultiplexesEveryCallOverOneConnectionInside() throws Exception {
        OkHttpClient client = priorKnowledge(OkHttpInNamespace.clientIn(namespace.ns));
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals(TwinHttpServers.INSIDE, okGet(client, "/" + i));
            }
            List<Integer> ports = servers.insideClientPorts();
            assertEquals(5, ports.size());
            assertEquals(1, ports.stream().distinct().count(), "five streams over one HTTP/2 connection: " + ports);
            assertEquals(0, servers.outsideRequests());
        } finally {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
    }

    @Test
    @ExpectedViolation("SOCKET_IO")
    void anHttp2ConnectionMadeInTheLaunchNamespaceIsRefusedInsideACall() throws Exception {
        OkHttpClient client = priorKnowledge(new OkHttpClient());
        try {
            assertEquals(TwinHttpServers.OUTSIDE, okGet(client, "/first"), "the connection is made, and pooled, outside");
            // Inside the call no socket is made: the request becomes a stream written on the pooled connection.
            Throwable refused = assertThrows(Throwable.class, () -> namespace.ns.call(host -> okGet(client, "/inside")));
            assertTrue(String.valueOf(refused).contains("SOCKET_IO") || String.valueOf(refused.getCause()).contains("SOCKET_IO"),
                    refused.toString());
            assertEquals(1, servers.outsideRequests(), "the stream was refused before it left");
            assertEquals(0, servers.insideClientPorts().size());
        } finally {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
    }
}
