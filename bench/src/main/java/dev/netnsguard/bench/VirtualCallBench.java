package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code NetNS.call} with an empty body from N virtual threads (JDK 21+; run it on JDK 25).
 *
 * <p>JMH's own worker threads are platform threads, so each invocation starts {@code callers}
 * virtual threads that share {@value #CALLS} calls between them (as the Go callers share
 * {@code b.N}) and waits for them: the score is the aggregate, including the cost of starting the
 * virtual threads, spread over {@value #CALLS} calls. Each call's latency is recorded as well; the
 * p50/p99 of each trial are printed and, with {@code -Dngbench.sidecar=DIR}, written to
 * {@code DIR/virtual-callers=N.json}.
 *
 * <p>On JDK 17 the setup fails with a clear message and JMH goes on with the next benchmark; the
 * scripts do not select this benchmark there.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class VirtualCallBench {
    static final int CALLS = 1024;

    @Param({"1", "2", "4", "8"})
    public int callers;

    NetNS ns;
    ExecutorService virtualThreads;
    long[] latencies = new long[1 << 20];
    int recorded;

    @Setup(Level.Trial)
    public void setUp() {
        virtualThreads = newVirtualThreadPerTaskExecutor();
        ns = BenchNamespaces.createWithLoopback("vcall");
        ns.call(CallBench.EMPTY);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (virtualThreads != null) {
                virtualThreads.shutdown();
            }
        } finally {
            BenchNamespaces.closeAndDelete(ns);
        }
        writePercentiles();
    }

    @TearDown(Level.Iteration)
    public void startAnotherSample() {
        // keep only the last iteration's samples when the buffer fills
        if (recorded > latencies.length - CALLS) {
            recorded = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void virtualCallers() throws Exception {
        int per = CALLS / callers;
        Future<?>[] futures = new Future<?>[callers];
        long[][] lat = new long[callers][per];
        for (int c = 0; c < callers; c++) {
            long[] mine = lat[c];
            futures[c] = virtualThreads.submit(() -> {
                for (int i = 0; i < per; i++) {
                    long t0 = System.nanoTime();
                    ns.call(CallBench.EMPTY);
                    mine[i] = System.nanoTime() - t0;
                }
                return null;
            });
        }
        for (Future<?> f : futures) {
            f.get();
        }
        if (recorded + CALLS <= latencies.length) {
            for (long[] l : lat) {
                System.arraycopy(l, 0, latencies, recorded, l.length);
                recorded += l.length;
            }
        }
    }

    private void writePercentiles() throws IOException {
        if (recorded == 0) {
            return;
        }
        long[] sorted = Arrays.copyOf(latencies, recorded);
        Arrays.sort(sorted);
        double p50 = sorted[sorted.length / 2] / 1000.0;
        double p99 = sorted[(int) (sorted.length * 0.99)] / 1000.0;
        String json = String.format(Locale.ROOT,
                "{\"benchmark\":\"virtualCallers\",\"callers\":%d,\"samples\":%d,\"p50_us\":%.3f,\"p99_us\":%.3f,\"jdk\":\"%s\"}%n",
                callers, sorted.length, p50, p99, Runtime.version());
        System.out.print("virtual callers=" + callers + " per-call latency: " + json);
        String dir = System.getProperty("ngbench.sidecar");
        if (dir != null) {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            Files.writeString(d.resolve("virtual-callers=" + callers + ".json"), json);
        }
        recorded = 0;
    }

    static ExecutorService newVirtualThreadPerTaskExecutor() {
        try {
            Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) m.invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            throw new UnsupportedOperationException("VirtualCallBench needs virtual threads (JDK 21+), this is JDK "
                    + Runtime.version() + ": skipped. Run it with JDK 25: "
                    + "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar netns-guard-benchmarks.jar VirtualCallBench");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
