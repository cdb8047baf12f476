package dev.netnsguard.bench;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSFunction;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code NetNS.call} with an empty body, from 1, 2, 4 and 8 concurrent platform-thread callers.
 *
 * <p>Compare with the Go reference's {@code CNIDoNoop/callers=N}: Throughput is the aggregate
 * (all callers together, Go's ops/s), SampleTime gives each call's latency (Go's p50-ns / p99-ns).
 * All callers share one namespace handle, as the Go callers share one {@code ns.NetNS}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallBench {
    static final NetNSFunction<Object, RuntimeException> EMPTY = host -> null;

    NetNS ns;

    @Setup(Level.Trial)
    public void setUp() {
        ns = BenchNamespaces.createWithLoopback("call");
        ns.call(EMPTY); // starts the first namespace thread
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchNamespaces.closeAndDelete(ns);
    }

    @Benchmark
    @Threads(1)
    @BenchmarkMode({Mode.Throughput, Mode.AverageTime, Mode.SampleTime})
    public Object callers1() {
        return ns.call(EMPTY);
    }

    @Benchmark
    @Threads(2)
    public Object callers2() {
        return ns.call(EMPTY);
    }

    @Benchmark
    @Threads(4)
    public Object callers4() {
        return ns.call(EMPTY);
    }

    @Benchmark
    @Threads(8)
    public Object callers8() {
        return ns.call(EMPTY);
    }
}
