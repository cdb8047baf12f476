package dev.netnsguard.clients;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK HttpClient with an executor of namespace threads (docs/clients.md): asynchronous sends
 * from any thread, and blocking sends made inside a call, reach the server inside, pooled,
 * concurrent and redirected; a blocking send from outside opens its connection where its caller is.
 */
class JdkHttpClientTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    private TwinHttpNamespace http;
    private ExecutorService inside;

    @BeforeEach
    void start() throws Exception {
        http = new TwinHttpNamespace();
        inside = http.namespace.ns.newExecutor(2);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (inside != null) {
                inside.shutdownNow();
                assertTrue(inside.awaitTermination(30, TimeUnit.SECONDS));
            }
        } finally {
            if (http != null) {
                http.close();
            }
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static String send(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(get(url), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aDefaultClientReachesTheLaunchNamespace() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        assertEquals(TwinHttpServers.OUTSIDE, send(client, http.servers.url("/")));
    }

    @Test
    @ExpectedViolation("SOCKET_IO")
    void blockingSendsFromOutsideOpenTheirConnectionOnTheCallersThreadAndTheGuardRefusesTheWrite() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(inside).build();
        // send() opens its connection on the calling thread (the launch namespace), whatever the executor;
        // the request is then written by a thread of the executor, inside the namespace's scope.
        IOException refused = assertThrows(IOException.class, () -> send(client, http.servers.url("/")));
        assertTrue(refused.getMessage().contains("netns-guard: SOCKET_IO"), refused.toString());
        // The refused write never reaches the launch server, which is where a missed check would land. The client
        // may retry the GET on a new connection after the failure (once on JDK 17 a request reached a server
        // after the refusal), opened where its own threads are: only the launch server's count is asserted.
        assertEquals(0, http.servers.outsideRequests(), "the write was refused before it left");
    }

    @Test
    void blockingSendsInsideACallReachTheServerInsideThroughOnePooledConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(inside).followRedirects(HttpClient.Redirect.NORMAL).build();
        for (int i = 0; i < 5; i++) {
            String url = http.servers.url("/" + i);
            assertEquals(TwinHttpServers.INSIDE, http.namespace.ns.call(host -> send(client, url)));
        }
        String byName = http.servers.url(NameServerInside.newName(), TwinHttpServers.REDIRECT);
        assertEquals(TwinHttpServers.INSIDE, http.namespace.ns.call(host -> send(client, byName)));
        List<Integer> ports = http.servers.insideClientPorts();
        assertEquals(7, ports.size(), "five requests, a redirect and the request it led to");
        assertEquals(1, ports.stream().distinct().count(), "the JDK pools by resolved address: one connection " + ports);
        assertEquals(0, http.servers.outsideRequests());
    }

    @Test
    void awaitedAsyncSendsReachTheServerInsideThroughOnePooledConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(inside).build();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = client.sendAsync(get(http.servers.url("/" + i)), HttpResponse.BodyHandlers.ofString())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(TwinHttpServers.INSIDE, response.body());
        }
        List<Integer> ports = http.servers.insideClientPorts();
        assertEquals(5, ports.size());
        assertEquals(1, ports.stream().distinct().count(), "one pooled connection: " + ports);
        assertEquals(0, http.servers.outsideRequests());
    }

    @Test
    void concurrentAsyncSendsAndRedirectsReachTheServerInside() throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(inside).followRedirects(HttpClient.Redirect.NORMAL).build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(client.sendAsync(get(http.servers.url("/async/" + i)), HttpResponse.BodyHandlers.ofString()));
        }
        responses.add(client.sendAsync(get(http.servers.url(TwinHttpServers.REDIRECT)), HttpResponse.BodyHandlers.ofString()));
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertEquals(TwinHttpServers.INSIDE, response.get(30, TimeUnit.SECONDS).body());
        }
        assertEquals(8, http.servers.insideClientPorts().size(), "six requests, a redirect and the request it led to");
        assertEquals(0, http.servers.outsideRequests());
    }
}
