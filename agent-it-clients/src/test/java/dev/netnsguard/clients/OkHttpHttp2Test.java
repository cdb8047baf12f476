package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OkHttp 5 over HTTP/2 (prior knowledge): one connection multiplexes every call, its frames read by a reader
 * task that runs on OkHttp's task runner for the connection's whole life, scheduled by the thread that made the
 * connection. A connection made outside scopes and used inside blue's scope sends the request into the launch
 * namespace's socket (the launch server answers) and is reported; a connection made inside blue's scope with
 * blue's socket factory has its reader carry blue's scope, and stays silent in strict mode, as does a client used
 * outside scopes in the same JVM afterwards. Work inside blue is handed from {@code blue.call} to a pool thread
 * born outside scopes, so that no runner thread of OkHttp's is born in blue (see OkHttpTaskRunnerTest).
 */
class OkHttpHttp2Test {
    private static final long TIMEOUT_SECONDS = 30;
    private static TwinServers namespace;
    private static TwinHttp2Servers servers;
    private final List<OkHttpClient> clients = new ArrayList<>();
    /** A pool thread born outside scopes, for work handed over from inside blue (as in OkHttpTaskRunnerTest). */
    private ExecutorService worker;

    @BeforeAll
    static void start() throws Exception {
        namespace = TwinServers.start("ngtest-ex-");
        servers = new TwinHttp2Servers(namespace.blue());
    }

    @BeforeEach
    void startWorker() throws Exception {
        worker = Executors.newSingleThreadExecutor();
        worker.submit(() -> { }).get();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            if (servers != null) {
                servers.close();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @AfterEach
    void closeClients() {
        worker.shutdownNow();
        for (OkHttpClient client : clients) {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside OkHttp's own work");
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
    }

    @Test
    void anHttp2ConnectionMadeOutsideScopesAndUsedInsideBlueIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        OkHttpClient client = client(null);
        assertEquals(TwinServers.LAUNCH, get(client));
        NetnsGuard.resetCounters();

        String answer = inBlue(() -> get(client));

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered a call made in blue");
        assertEquals(1, client.connectionPool().connectionCount(), "one multiplexed connection");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(f -> f.contains("okhttp3.internal.http2.")), v.toString());
        }
    }

    @Test
    void anHttp2ClientOfBlueMadeAndUsedInsideBlueIsSilentAndSoIsOneOutsideAfterIt() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> {
            OkHttpClient ofBlue = client(blue());
            String inBlue = inBlue(() -> get(ofBlue) + "," + get(ofBlue));
            String outside = get(client(null));
            return List.of(inBlue, outside);
        });

        assertEquals(List.of(TwinServers.BLUE + "," + TwinServers.BLUE, TwinServers.LAUNCH), answers);
    }

    private static NetNS blue() {
        return namespace.blue();
    }

    /** {@code work} handed over from inside {@code blue.call} to a pool thread born outside scopes. */
    private String inBlue(Callable<String> work) throws Exception {
        return blue().call(host -> worker.submit(work).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** An HTTP/2 client (prior knowledge), its sockets from {@code ns}'s factory if given. */
    private OkHttpClient client(NetNS ns) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .callTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (ns != null) {
            builder.socketFactory(ns.socketFactory());
        }
        OkHttpClient client = builder.build();
        clients.add(client);
        return client;
    }

    private static String get(OkHttpClient client) throws IOException {
        try (Response response = client.newCall(new Request.Builder().url(servers.url()).build()).execute()) {
            assertEquals(Protocol.H2_PRIOR_KNOWLEDGE, response.protocol());
            return response.body().string();
        }
    }
}
