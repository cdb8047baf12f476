package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertOnly;
import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OkHttp 5's own threads: the dispatcher's pool behind {@code enqueue}, and the JVM-wide {@code TaskRunner} whose
 * tasks connect (fast fallback, the default), clean the connection pool and serve HTTP/2. Its runner threads
 * are loops, each running many tasks, started by whichever thread first needed one. A task carries the scope
 * it was scheduled in, a loop none: a connect scheduled inside {@code blue.call} runs on a runner thread of the
 * launch namespace and is reported (it reaches the launch server: OkHttp used before in the JVM, a client made
 * and used inside one call is still wrong), and one scheduled outside scopes is not judged against blue's scope
 * because a loop happened to be started from inside it.
 */
class OkHttpTaskRunnerTest {
    private static final long TIMEOUT_SECONDS = 30;

    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-ex-");
    private final List<OkHttpClient> clients = new ArrayList<>();
    /** A pool thread born outside scopes, for work handed over from inside blue (see {@link #inBlue}). */
    private ExecutorService worker;

    @BeforeEach
    void startWorker() throws Exception {
        worker = Executors.newSingleThreadExecutor();
        worker.submit(() -> { }).get();
    }

    @AfterEach
    void closeClients() {
        worker.shutdownNow();
        for (OkHttpClient client : clients) {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside OkHttp's own work");
    }

    @Test
    void anAsyncCallInsideAScopeOverAConnectionPooledOutsideIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        OkHttpClient client = client(null);
        assertEquals(TwinServers.LAUNCH, get(client));
        NetnsGuard.resetCounters();

        String answer = blue().call(host -> enqueue(client)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the launch server answered a call made in blue");
        for (Violation v : assertOnly("SOCKET_IO")) {
            assertEquals(blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.submittedFrom() != null && v.submittedFrom().stream().anyMatch(f -> f.contains("okhttp3.")), v.toString());
        }
    }

    @Test
    void inStrictModeTheAsyncCallFailsWithTheViolation() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        OkHttpClient client = client(null);
        assertEquals(TwinServers.LAUNCH, assertSilent(() -> get(client)));

        CompletableFuture<String> call = blue().call(host -> enqueue(client));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        Throwable cause = failed;
        while (cause != null && !(cause instanceof NetNSViolationError)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof NetNSViolationError, "the call failed with the violation: " + failed);
        assertEquals("SOCKET_IO", ((NetNSViolationError) cause).kind());
    }

    @Test
    void aClientMadeAndUsedInsideOneCallConnectsOnTheLaunchNamespacesRunnerAndIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        assertEquals(TwinServers.LAUNCH, get(client(null)), "OkHttp used outside scopes first: its runner threads are the launch's");
        NetnsGuard.resetCounters();

        String answer = blue().call(host -> get(client(null)));

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the connect task ran in the launch namespace");
        List<Violation> reports = NetnsGuard.recentViolations();
        // the connect task's socket, born on the runner thread; then the request written over it on the call's thread
        assertTrue(reports.stream().anyMatch(v -> v.kind().equals("SOCKET_OPEN")
                && v.stack().stream().anyMatch(f -> f.contains("okhttp3.internal.concurrent.TaskRunner"))
                && v.submittedFrom() != null), reports.toString());
        for (Violation v : reports) {
            assertTrue(List.of("SOCKET_OPEN", "SOCKET_CONNECT", "SOCKET_IO").contains(v.kind()), v.toString());
            assertEquals(blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
        }
    }

    @Test
    void connectsScheduledOutsideScopesAfterALoopWasStartedInsideOneAreSilent() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> {
            String first = get(client(null)); // runner threads born outside scopes
            // a correct client of blue: its connect task, scheduled inside blue, starts runner loops from there,
            // and its pooled connection leaves the pool's clean-up task waiting on a loop
            String inBlue = inBlue(() -> get(client(blue())));
            String after = get(client(null));
            return List.of(first, inBlue, after);
        });

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.BLUE, TwinServers.LAUNCH), answers);
    }

    @Test
    void aClientWithBluesSocketFactoryUsedInsideBlueIsSilentAndReachesBlue() {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> List.of(get(client(null)),
                inBlue(() -> {
                    OkHttpClient own = client(blue());
                    return get(own) + "," + enqueue(own).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                })));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.BLUE + "," + TwinServers.BLUE), answers);
    }

    private static NetNS blue() {
        return twins.servers().blue();
    }

    /**
     * {@code work} handed over from inside {@code blue.call} to a pool thread born outside scopes, which runs it
     * with blue's scope. Not run on the call's own thread: that thread lives in blue, and a runner thread OkHttp
     * would start from it (JVM-wide, serving every client afterwards) would be born in blue, a misuse of its own
     * that the guard reports ({@code STRAY_THREAD}) when the runner later works for the launch namespace.
     */
    private String inBlue(Callable<String> work) throws Exception {
        return blue().call(host -> worker.submit(work).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** A client with OkHttp's defaults (fast fallback: connects run as runner tasks), its sockets from {@code ns}'s factory if given. */
    private OkHttpClient client(NetNS ns) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder().callTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (ns != null) {
            builder.socketFactory(ns.socketFactory());
        }
        OkHttpClient client = builder.build();
        clients.add(client);
        return client;
    }

    private static Request request() {
        return new Request.Builder().url(twins.servers().url()).build();
    }

    private static String get(OkHttpClient client) throws IOException {
        try (Response response = client.newCall(request()).execute()) {
            return response.body().string();
        }
    }

    private static CompletableFuture<String> enqueue(OkHttpClient client) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        client.newCall(request()).enqueue(new Callback() {
            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    answer.complete(response.body().string());
                } catch (IOException e) {
                    answer.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Call call, IOException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
