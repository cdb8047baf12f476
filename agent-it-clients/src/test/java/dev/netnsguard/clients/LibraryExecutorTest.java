package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import io.grpc.internal.SerializingExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.netnsguard.clients.GuardAssertions.assertSilent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executors that queue work themselves, which the guard knows by no name: a library's own (gRPC's
 * {@code SerializingExecutor}, which drains its queue on a backing pool) and one written here (a queue and a
 * thread of its own); and {@code java.util.Timer}, whose tasks are recorded rather than wrapped. A task handed over inside {@code blue.call} whose connect goes to 127.0.0.1 reaches the
 * launch server (the bug: the task runs on a thread of the launch namespace) and, its scope carried, is
 * reported. The mirrored programs stay silent in strict mode: a task handed over outside scopes, a task that
 * enters blue itself, a task whose socket comes from blue's socket factory.
 */
class LibraryExecutorTest {
    private static final long TIMEOUT_SECONDS = 30;

    @RegisterExtension
    static final TwinServersExtension twins = new TwinServersExtension("ngtest-ex-");
    private QueueExecutor own;
    private ExecutorService backing;
    private Timer timer;

    /** An executor with its own queue and one thread, started outside scopes when it is made. */
    static final class QueueExecutor implements Executor, AutoCloseable {
        private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final Thread worker = new Thread(this::serve, "own-queue-worker");

        QueueExecutor() {
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }

        private void serve() {
            try {
                while (true) {
                    queue.take().run();
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
    }

    @AfterEach
    void close() throws InterruptedException {
        if (own != null) {
            own.close();
        }
        if (backing != null) {
            backing.shutdownNow();
            backing.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (timer != null) {
            timer.cancel();
        }
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed");
    }

    @Test
    void aTaskHandedToAnExecutorOfItsOwnInsideAScopeIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        own = new QueueExecutor();

        String answer = blue().call(host -> fetchOn(own).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: a connect for blue reached the launch server");
        assertReportedForBlue("aTaskHandedToAnExecutorOfItsOwnInsideAScopeIsReported");
    }

    @Test
    void aTaskHandedToGrpcsSerializingExecutorInsideAScopeIsReportedAndTheDrainCarriesNothing() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        backing = Executors.newSingleThreadExecutor();
        backing.submit(() -> { }).get(); // its worker is born outside scopes
        NetnsGuard.resetCounters();
        SerializingExecutor serializing = new SerializingExecutor(backing);
        CountDownLatch release = new CountDownLatch(1);

        // the first task starts the drain on the backing pool from inside blue; the second is queued outside
        // scopes while the drain still runs: it must not run with blue's scope
        CompletableFuture<String> inBlue = blue().call(host -> fetchOn(serializing, release));
        CompletableFuture<String> outside = fetchOn(serializing);
        release.countDown();

        assertEquals(TwinServers.LAUNCH, inBlue.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the misuse happened");
        assertEquals(TwinServers.LAUNCH, outside.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        List<Violation> reports = assertReportedForBlue(
                "aTaskHandedToGrpcsSerializingExecutorInsideAScopeIsReportedAndTheDrainCarriesNothing");
        assertEquals(reports.size(), NetnsGuard.violations(), "the task queued outside scopes is not reported: " + reports);
    }

    @Test
    void aTimerTaskScheduledInsideAScopeIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        timer = new Timer("timer-outside-scopes", true);
        NetnsGuard.resetCounters();

        String answer = blue().call(host -> later(timer, () -> fetch(new Socket()))).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertEquals(TwinServers.LAUNCH, answer, "the misuse happened: the timer's connect for blue reached the launch server");
        assertReportedForBlue("aTimerTaskScheduledInsideAScopeIsReported");
    }

    @Test
    void timerTasksScheduledOutsideScopesOrThatEnterTheNamespaceThemselvesAreSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        timer = new Timer("timer-outside-scopes", true);
        NetnsGuard.resetCounters();

        List<String> answers = assertSilent(() -> List.of(
                later(timer, () -> fetch(new Socket())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                blue().call(host -> later(timer, () -> blue().call(h -> fetch(new Socket())))).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                // a periodic task scheduled inside blue, using blue's socket factory, then one scheduled outside
                blue().call(host -> periodically(timer, 2, () -> fetch(blue().socketFactory().createSocket())))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                later(timer, () -> fetch(new Socket())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.BLUE, TwinServers.BLUE + "," + TwinServers.BLUE, TwinServers.LAUNCH),
                answers);
    }

    @Test
    void strictModeStopsTheTasksConnect() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        own = new QueueExecutor();

        CompletableFuture<String> task = blue().call(host -> fetchOn(own));

        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        NetNSViolationError error = assertInstanceOf(NetNSViolationError.class, failed.getCause());
        assertEquals("SOCKET_OPEN", error.kind(), error.getMessage());
    }

    @Test
    void tasksHandedOverOutsideScopesOrThatEnterTheNamespaceThemselvesAreSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        own = new QueueExecutor();
        backing = Executors.newSingleThreadExecutor();
        backing.submit(() -> { }).get();
        NetnsGuard.resetCounters();
        SerializingExecutor serializing = new SerializingExecutor(backing);

        List<String> answers = assertSilent(() -> List.of(
                fetchOn(own).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                fetchOn(serializing).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                blue().call(host -> supply(own, () -> blue().call(h -> fetch(new Socket())))).get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                blue().call(host -> supply(serializing, () -> fetch(blue().socketFactory().createSocket())))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));

        assertEquals(List.of(TwinServers.LAUNCH, TwinServers.LAUNCH, TwinServers.BLUE, TwinServers.BLUE), answers);
    }

    private static NetNS blue() {
        return twins.servers().blue();
    }

    /** The reports of the task that connected for blue (all of them), each with the test method that handed it over. */
    private static List<Violation> assertReportedForBlue(String submitter) {
        List<Violation> reports = NetnsGuard.recentViolations();
        assertFalse(reports.isEmpty(), "the task's connect was reported");
        assertTrue(reports.stream().anyMatch(v -> v.kind().equals("SOCKET_OPEN")), reports.toString());
        for (Violation v : reports) {
            assertEquals(blue().inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.submittedFrom() != null && v.submittedFrom().stream().anyMatch(f -> f.contains(submitter)),
                    "reported with where the task was handed over: " + v);
        }
        return reports;
    }

    private interface Fetch {
        String get() throws Exception;
    }

    private static CompletableFuture<String> supply(Executor executor, Fetch fetch) {
        CompletableFuture<String> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(fetch.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** {@code fetch} run once by a task of {@code timer}, in a millisecond. */
    private static CompletableFuture<String> later(Timer timer, Fetch fetch) {
        CompletableFuture<String> result = new CompletableFuture<>();
        timer.schedule(new TimerTask() {
            @Override
            public void run() {
                try {
                    result.complete(fetch.get());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }
        }, 1);
        return result;
    }

    /** {@code fetch} run {@code runs} times by a periodic task of {@code timer}: the answers, comma-separated. */
    private static CompletableFuture<String> periodically(Timer timer, int runs, Fetch fetch) {
        CompletableFuture<String> result = new CompletableFuture<>();
        timer.schedule(new TimerTask() {
            private final List<String> answers = new java.util.ArrayList<>();

            @Override
            public void run() {
                try {
                    answers.add(fetch.get());
                    if (answers.size() == runs) {
                        cancel();
                        result.complete(String.join(",", answers));
                    }
                } catch (Throwable e) {
                    cancel();
                    result.completeExceptionally(e);
                }
            }
        }, 1, 1);
        return result;
    }

    /** A GET of 127.0.0.1:port on a new socket, made by a task of {@code executor}. */
    private static CompletableFuture<String> fetchOn(Executor executor) {
        return supply(executor, () -> fetch(new Socket()));
    }

    /** As {@link #fetchOn(Executor)}, the task waiting for {@code release} first. */
    private static CompletableFuture<String> fetchOn(Executor executor, CountDownLatch release) {
        return supply(executor, () -> {
            assertTrue(release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            return fetch(new Socket());
        });
    }

    /** An HTTP/1.0 GET over {@code socket}, connected to the twins' port: the body of the answer. */
    private static String fetch(Socket socket) throws IOException {
        try (socket) {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), twins.servers().port()),
                    (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
