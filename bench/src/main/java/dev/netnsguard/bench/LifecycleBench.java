package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Namespace creation and destruction: {@code createNamed} + {@code close} + {@code deleteNamed}
 * (compare with CNI's {@code testutils.NewNS} + {@code Close} + {@code UnmountNS}, vishvananda's
 * {@code NewNamed} + {@code DeleteNamed} and the C {@code netns_create_bindmount_destroy}), and
 * anonymous {@code create} + {@code close} (C {@code netns_create_destroy}).
 *
 * <p>Iterations are short because every operation leaves the kernel an asynchronous namespace
 * teardown to do. Names are {@code ngbench-<pid>-life-<n>}; whatever is left after a failure is
 * deleted in {@code @TearDown} (and by a shutdown hook on Ctrl-C).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
@Threads(1)
public class LifecycleBench {

    @Benchmark
    public void createNamedDeleteNamed() {
        String name = BenchNamespaces.newName("life");
        NetNS ns = NetNS.createNamed(name);
        ns.close();
        NetNS.deleteNamed(name);
        BenchNamespaces.deleted(name);
    }

    @Benchmark
    public void createClose() {
        NetNS.create().close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchNamespaces.deleteAll();
    }
}
