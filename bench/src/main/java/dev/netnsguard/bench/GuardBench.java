package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.StandardSocketOptions;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

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
 * What the guard costs on the operations it checks, and on code it must not slow down.
 *
 * <p>Everything here is correct use (host-namespace code outside any scope, or inside a scope that
 * expects the namespace it runs in), so no mode reports or throws anything. {@link GuardMain} runs
 * each benchmark in separate forks with no agent and with {@code -javaagent:...=mode=off|report|strict},
 * interleaved round by round, and reports each mode's ratio to no agent. Run through plain JMH,
 * these benchmarks measure the JVM they are forked with (no agent unless {@code -jvmArgsAppend} adds it).
 *
 * <p>The DNS benchmark needs the name cache off: the forks get {@code -Dsun.net.inetaddr.ttl=0}
 * (the system property the JDK reads when the security property {@code networkaddress.cache.ttl}
 * is unset, as it is in the JDK's default {@code java.security}); {@link DnsState} fails the trial
 * if a lookup is suspiciously fast (a cache hit costs well under a microsecond, a resolver call that
 * reads /etc/hosts tens of microseconds).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dsun.net.inetaddr.ttl=0", "-Dsun.net.inetaddr.negative.ttl=0"})
@Threads(1)
@State(Scope.Benchmark)
public class GuardBench {

    /**
     * When {@link GuardMain} says the fork runs with the agent in report or strict mode, checks that
     * the agent's bootstrap bridge is really there, so that a fork silently running without the
     * agent cannot pass for a cheap guard.
     */
    @Setup(Level.Trial)
    public void checkAgent() {
        String mode = System.getProperty("ngbench.guard.mode", "none");
        boolean bridge;
        try {
            Class.forName(dev.netnsguard.internal.scope.GuardLink.BRIDGE, false, null);
            bridge = true;
        } catch (ClassNotFoundException absent) {
            bridge = false;
        }
        System.out.println("ngbench: guard mode " + mode + ", agent bridge " + (bridge ? "present" : "absent"));
        if ((mode.equals("report") || mode.equals("strict")) && !bridge) {
            throw new IllegalStateException("mode " + mode + " but the agent's bridge " + dev.netnsguard.internal.scope.GuardLink.BRIDGE
                    + " is not loaded: is -javaagent on the command line?");
        }
    }

    /** socket() + close(): the socket-creation hook. */
    @Benchmark
    public void socketOpenClose() throws IOException {
        SocketChannel.open().close();
    }

    @State(Scope.Benchmark)
    public static class Listener {
        ServerSocketChannel server;
        InetSocketAddress address;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            address = (InetSocketAddress) server.getLocalAddress();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            server.close();
        }
    }

    /**
     * Loopback TCP connect + accept + close, client closing first (as the C reference's
     * {@code tcp_connect_accept_close}): the socket-creation and connect hooks.
     */
    @Benchmark
    public void tcpConnectAcceptClose(Listener l) throws IOException {
        SocketChannel client = SocketChannel.open(l.address);
        SocketChannel accepted = l.server.accept();
        client.close();
        accepted.close();
    }

    /**
     * Loopback TCP connect + accept, the client closing with RST ({@code SO_LINGER} 0), so no socket
     * is left in TIME_WAIT and the kernel's connection teardown does not swamp what the hooks cost.
     */
    @Benchmark
    public void tcpConnectRst(Listener l) throws IOException {
        SocketChannel client = SocketChannel.open(l.address);
        SocketChannel accepted = l.server.accept();
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close();
        accepted.close();
    }

    /**
     * A loopback HTTP server (the JDK's {@code com.sun.net.httpserver}, handlers run on its dispatcher
     * thread, {@code TCP_NODELAY} so a response's header and body segments never wait for a delayed ACK)
     * answering a fixed 2-byte body and closing every connection after its response, so each request is
     * a new connection on both sides and the closing side (the server) holds the TIME_WAIT.
     */
    @State(Scope.Benchmark)
    public static class HttpServerState {
        static final String CLOSE_PATH = "/close";
        HttpServer server;
        /** Answered with {@code Connection: close}. */
        URL url;
        /** Answered with the connection kept open for the client's pool. */
        URL keepAliveUrl;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // read when the server classes initialise
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                if (exchange.getRequestURI().getPath().equals(CLOSE_PATH)) {
                    exchange.getResponseHeaders().set("Connection", "close");
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            url = java.net.URI.create(base + CLOSE_PATH).toURL();
            keepAliveUrl = java.net.URI.create(base + "/keep").toURL();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            server.stop(0);
        }
    }

    /**
     * One HTTP GET per new connection ({@code HttpURLConnection} with {@code Connection: close}, client
     * and server in this JVM): a realistic loop over the socket-open, connect, accept and read/write hooks.
     */
    @Benchmark
    public int httpNewConnection(HttpServerState http) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) http.url.openConnection();
        connection.setRequestProperty("Connection", "close");
        try (InputStream in = connection.getInputStream()) {
            int code = connection.getResponseCode();
            if (code != 200 || in.readAllBytes().length != 2) {
                throw new IllegalStateException("unexpected HTTP answer " + code);
            }
            return code;
        } finally {
            connection.disconnect();
        }
    }

    /**
     * One HTTP GET on a kept-alive connection ({@code HttpURLConnection} and its JVM-wide keep-alive
     * cache, as most applications' plain HTTP calls are): after the first request no socket is opened,
     * each request is a write and reads on a pooled socket, the path the {@code SOCKET_IO} check is on.
     */
    @Benchmark
    public int httpKeepAlive(HttpServerState http) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) http.keepAliveUrl.openConnection();
        try (InputStream in = connection.getInputStream()) {
            int code = connection.getResponseCode();
            if (code != 200 || in.readAllBytes().length != 2) {
                throw new IllegalStateException("unexpected HTTP answer " + code);
            }
            return code;
        }
    }

    /** A connected loopback TCP pair, for reads and writes on existing sockets. */
    @State(Scope.Thread)
    public static class Connection {
        SocketChannel client;
        SocketChannel accepted;
        final java.nio.ByteBuffer out = java.nio.ByteBuffer.allocateDirect(1);
        final java.nio.ByteBuffer in = java.nio.ByteBuffer.allocateDirect(1);

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                client = SocketChannel.open(server.getLocalAddress());
                accepted = server.accept();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            client.close();
            accepted.close();
        }

        int roundTrip() throws IOException {
            out.clear();
            client.write(out);
            in.clear();
            return accepted.read(in);
        }
    }

    /** One byte written on a connected socket and read on its peer, outside any scope: the read/write hooks. */
    @Benchmark
    public int tcpWriteRead(Connection c) throws IOException {
        return c.roundTrip();
    }

    /**
     * The same inside a scope of the namespace both sockets were born in: the read/write hooks look the
     * sockets up in the socket table, and nothing is wrong.
     */
    @Benchmark
    public int tcpWriteReadInScope(Connection c, InScope s) throws IOException {
        return c.roundTrip();
    }

    @State(Scope.Benchmark)
    public static class DnsState {
        /** A name from /etc/hosts; {@code localhost} unless {@code -Dngbench.dns.name} says otherwise. */
        String name = System.getProperty("ngbench.dns.name", "localhost");

        @Setup(Level.Trial)
        public void setUp() throws UnknownHostException {
            InetAddress.getAllByName(name);
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                InetAddress.getAllByName(name);
            }
            long each = (System.nanoTime() - t0) / 200;
            if (each < 1_000) {
                throw new IllegalStateException("lookups of '" + name + "' take " + each
                        + " ns: that is the InetAddress cache, not the resolver; run with -Dsun.net.inetaddr.ttl=0");
            }
        }
    }

    /** A lookup of a name from /etc/hosts with the InetAddress cache disabled: the DNS hook. */
    @Benchmark
    public InetAddress[] dnsLookupHosts(DnsState dns) throws UnknownHostException {
        return InetAddress.getAllByName(dns.name);
    }

    /** Start {@code true} and wait for it: the process-start hook. */
    @Benchmark
    public int processStartTrue() throws IOException, InterruptedException {
        return new ProcessBuilder("true").start().waitFor();
    }

    /**
     * Work handed to a one-thread pool; no sockets, lookups or processes. One worker plus the
     * benchmark thread fit the machine's two vCPUs: with two workers, the scheduler's placement
     * made the loop vary by a factor of five between forks.
     */
    @State(Scope.Benchmark)
    public static class Pool {
        static final int TASKS = 256;
        ExecutorService pool;
        final LongAdder sink = new LongAdder();
        final Runnable task = () -> sink.increment();

        @Setup(Level.Trial)
        public void setUp() {
            AtomicInteger n = new AtomicInteger();
            // Threads that do not inherit thread locals, so they never inherit a benchmark thread's scope.
            ThreadPoolExecutor tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(null, r, "ngbench-pool-" + n.incrementAndGet(), 0, false);
                        t.setDaemon(true);
                        return t;
                    });
            tpe.prestartAllCoreThreads();
            pool = tpe;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
        }

        long batch() throws InterruptedException, ExecutionException {
            Future<?>[] futures = new Future<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                futures[i] = pool.submit(task);
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return CompletableFuture.supplyAsync(sink::sum, pool).thenApplyAsync(x -> x + 1, pool).join();
        }
    }

    /**
     * An executor-heavy loop outside any scope: 256 submits to a one-thread pool (the worker stays busy,
     * so wake-ups, which are bimodal on a small VM, weigh less than the per-task work) + a two-stage
     * CompletableFuture.
     */
    @Benchmark
    public long executorLoop(Pool p) throws InterruptedException, ExecutionException {
        return p.batch();
    }

    /**
     * The calling thread inside a scope (it entered the namespace the JVM runs in, so nothing is
     * wrong): every task submitted carries the scope (propagation), still no network work. The
     * benchmark thread keeps that scope for the rest of the trial; each benchmark runs in its own fork.
     */
    @State(Scope.Thread)
    public static class InScope {
        @Setup(Level.Trial)
        public void enter() {
            NetNS.launch().enterCurrentThread();
        }
    }

    @Benchmark
    public long executorLoopInScope(Pool p, InScope s) throws InterruptedException, ExecutionException {
        return p.batch();
    }
}
