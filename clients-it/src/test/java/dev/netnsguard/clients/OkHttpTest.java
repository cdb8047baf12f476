package dev.netnsguard.clients;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** OkHttp with {@link OkHttpInNamespace}: its pool and dispatcher threads stay inside the namespace. */
class OkHttpTest {
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

    private static String get(OkHttpClient client, String url) throws IOException {
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.body().string();
        }
    }

    private static void shutDown(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Test
    void aDefaultClientReachesTheLaunchNamespace() throws IOException {
        OkHttpClient client = new OkHttpClient();
        try {
            assertEquals(TwinHttpServers.OUTSIDE, get(client, http.servers.url("/")));
        } finally {
            shutDown(client);
        }
    }

    @Test
    void requestsReachTheServerInsideThroughOnePooledConnection() throws IOException {
        OkHttpClient client = OkHttpInNamespace.clientIn(http.namespace.ns);
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals(TwinHttpServers.INSIDE, get(client, http.servers.url("/" + i)));
            }
            List<Integer> ports = http.servers.insideClientPorts();
            assertEquals(5, ports.size());
            assertEquals(1, ports.stream().distinct().count(), "one pooled connection served every request: " + ports);
            assertEquals(1, client.connectionPool().connectionCount());
            assertEquals(0, http.servers.outsideRequests());
        } finally {
            shutDown(client);
        }
    }

    @Test
    void aHostNameIsResolvedByTheDnsInside() throws IOException {
        OkHttpClient client = OkHttpInNamespace.clientIn(http.namespace.ns);
        try {
            String url = http.servers.url(NameServerInside.newName(), "/");
            assertEquals(TwinHttpServers.INSIDE, get(client, url));
            assertEquals(TwinHttpServers.INSIDE, get(client, url));
            assertEquals(0, http.servers.outsideRequests());
        } finally {
            shutDown(client);
        }
    }

    @Test
    void asynchronousCallsOnTheDispatcherThreadsReachTheServerInside() throws Exception {
        OkHttpClient client = OkHttpInNamespace.clientIn(http.namespace.ns);
        try {
            for (int i = 0; i < 3; i++) {
                CompletableFuture<String> body = new CompletableFuture<>();
                client.newCall(new Request.Builder().url(http.servers.url("/async")).build()).enqueue(new Callback() {
                    @Override
                    public void onResponse(Call call, Response response) throws IOException {
                        try (response) {
                            body.complete(response.body().string());
                        }
                    }

                    @Override
                    public void onFailure(Call call, IOException e) {
                        body.completeExceptionally(e);
                    }
                });
                assertEquals(TwinHttpServers.INSIDE, body.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, http.servers.insideClientPorts().stream().distinct().count());
            assertEquals(0, http.servers.outsideRequests());
        } finally {
            shutDown(client);
        }
    }
}
