package dev.netnsguard.agent.instrumentation;

import java.util.ArrayList;
import java.util.List;

/**
 * Every instrumentation unit, and what is knowingly left out: the one list the installer, the
 * self-test and the coverage table of docs/agent.md derive from.
 */
public final class Instrumentations {
    /** The units, in the order of the coverage table. */
    public static final List<TypeInstrumentation> ALL = List.of(
            new NetInstrumentation(),
            new DatagramChannelInstrumentation(),
            new SocketChannelImplInstrumentation(),
            new NioSocketImplInstrumentation(),
            new ServerSocketChannelImplInstrumentation(),
            new InetAddressInstrumentation(),
            new ProcessImplInstrumentation(),
            new RouteSocketInstrumentation(),
            new ThreadInstrumentation(),
            new ThreadPoolExecutorInstrumentation(),
            new ScheduledThreadPoolExecutorInstrumentation(),
            new ScheduledFutureTaskInstrumentation(),
            new ForkJoinPoolInstrumentation(),
            new ForkJoinTaskInstrumentation(),
            new ForkJoinWorkerThreadInstrumentation(),
            new ExecutorInstrumentation(),
            new TimerInstrumentation(),
            new TimerQueueInstrumentation(),
            new NettyEventExecutorInstrumentation(),
            new NettyScheduledExecutorInstrumentation(),
            new NettyScheduledFutureTaskInstrumentation(),
            new NettySocketInstrumentation(),
            new NettyFileDescriptorInstrumentation(),
            new VertxTaskQueueInstrumentation(),
            new VertxWorkerTaskInstrumentation(),
            new NettyHashedWheelTimerInstrumentation(),
            new ApacheIOReactorInstrumentation(),
            new ApacheIOSessionInstrumentation(),
            new OkHttpTaskQueueInstrumentation(),
            new OkHttpTaskRunnerInstrumentation());

    /** Entry points no unit guards, and why. */
    public static final List<Coverage> NOT_COVERED = List.of(
            new Coverage("Unix domain sockets", "not checked", "not checked", "path-based ones are not network-namespace"
                    + " scoped; the JDK API cannot make abstract ones (`sun.nio.ch.UnixDomainSockets` is not instrumented)"),
            new Coverage("legacy `PlainSocketImpl` (`-Djdk.net.usePlainSocketImpl=true`)", "no", "removed",
                    "opens, binds and connects natively without `Net`"),
            new Coverage("legacy `PlainDatagramSocketImpl` (`-Djdk.net.usePlainDatagramSocketImpl=true`)", "no", "removed", "same"),
            new Coverage("`InetAddress.isReachable`", "no", "no", "opens its ICMP/TCP socket natively"),
            new Coverage("`NetworkInterface`", "no", "no", "opens its ioctl sockets natively; what it lists is the calling"
                    + " thread's namespace"),
            new Coverage("`ServerSocket.accept` (classic accepted sockets)", "not recorded", "not recorded", "they live in"
                    + " their listener's namespace, but the socket table gets no entry for them: an entry left by a closed"
                    + " socket with the same number can make `SOCKET_IO` misjudge one used inside a scope"),
            new Coverage("Netty's io_uring transport (4.2)", "births only", "births only", "its sockets are born"
                    + " through `Socket.newSocketStream0`/`newSocketDgram0` (judged and recorded, above); their connects,"
                    + " reads and writes are submitted to the ring, passing no Java method per socket"),
            new Coverage("JNI/JNA/FFM code opening sockets", "no", "no", "native; only `recheck-every` notices a native"
                    + " `setns` of a thread"));

    private Instrumentations() {}

    /** The coverage table of docs/agent.md, header included. */
    public static List<String> coverageTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| entry point | JDK 17 | JDK 25 | covered by / why not |");
        rows.add("|---|---|---|---|");
        for (TypeInstrumentation unit : ALL) {
            unit.coverage().forEach(c -> rows.add(c.markdown()));
        }
        NOT_COVERED.forEach(c -> rows.add(c.markdown()));
        return rows;
    }

    /** The binary names of the JDK types the self-test requires to be instrumented. */
    public static List<String> required() {
        return ALL.stream().filter(TypeInstrumentation::required).map(TypeInstrumentation::type).toList();
    }
}
