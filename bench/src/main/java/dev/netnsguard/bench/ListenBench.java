package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
 * A listening socket on 127.0.0.1:0 opened and closed: inside the namespace through
 * {@code NetNS.call}, and the same body in the host namespace without {@code call} (baseline).
 *
 * <p>Compare with the Go reference's {@code CNIDoListen} ({@code net.Listen} + {@code Close} inside
 * {@code Do}), {@code CNIDoRawListen} (raw socket/bind/listen/close inside {@code Do}) and
 * {@code HostListen}. {@code ServerSocketChannel.open} + {@code bind} is socket + bind + listen.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ListenBench {
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    NetNS ns;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ns = BenchNamespaces.createWithLoopback("listen");
        ns.call(host -> listenAndClose()); // fails here, not in the measurement, if lo is down
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchNamespaces.closeAndDelete(ns);
    }

    static int listenAndClose() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(LOOPBACK_ANY_PORT);
            return server.socket().getLocalPort();
        }
    }

    /** socket + bind + listen + close inside the namespace, through {@code call}. */
    @Benchmark
    @Threads(1)
    public int callListen() throws IOException {
        return ns.call(host -> listenAndClose());
    }

    /** The same with 4 concurrent callers (Go: {@code CNIDoListen/callers=4}). */
    @Benchmark
    @Threads(4)
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    public int callListen4() throws IOException {
        return ns.call(host -> listenAndClose());
    }

    /** Only the socket is created inside ({@code openServerSocketChannel}); bind and close on the caller. */
    @Benchmark
    @Threads(1)
    public int bornInsideListen() throws IOException {
        try (ServerSocketChannel server = ns.openServerSocketChannel()) {
            server.bind(LOOPBACK_ANY_PORT);
            return server.socket().getLocalPort();
        }
    }

    /** Baseline: the same body in the host namespace, no {@code call}. */
    @Benchmark
    @Threads(1)
    public int hostListen() throws IOException {
        return listenAndClose();
    }
}
