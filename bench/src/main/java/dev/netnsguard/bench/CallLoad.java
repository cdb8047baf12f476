package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * {@code NetNS.call} with an empty body from N platform-thread callers, measured as the Go reference's
 * {@code CNIDoNoop/callers=N} is: every call timed by its caller (p50, p99), the aggregate rate, and
 * the CPU time the whole JVM spent per call (callers, namespace threads, spinning included), read
 * from the process CPU clock around the measured interval.
 *
 * <p>{@code bench/compare.sh} runs it quiet and while a CPU hog keeps every core busy, beside the Go
 * reference under the same hog. Usage: {@code CallLoad [--callers 1,2,8] [--warmup-ms 1000]
 * [--time-ms 3000] [--tag quiet]}; prints one JSON line per caller count.
 */
public final class CallLoad {
    private CallLoad() {}

    public static void main(String[] args) throws Exception {
        int[] callerCounts = {1, 2, 8};
        long warmupMs = 1000;
        long timeMs = 3000;
        String tag = "quiet";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--callers":
                    callerCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                case "--warmup-ms":
                    warmupMs = Long.parseLong(args[++i]);
                    break;
                case "--time-ms":
                    timeMs = Long.parseLong(args[++i]);
                    break;
                case "--tag":
                    tag = args[++i];
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (expected --callers, --warmup-ms, --time-ms, --tag)");
            }
        }
        NetNS ns = BenchNamespaces.createWithLoopback("load");
        try {
            ns.call(CallBench.EMPTY);
            for (int callers : callerCounts) {
                measure(ns, callers, warmupMs, tag, false);
                System.out.println(measure(ns, callers, timeMs, tag, true));
            }
        } finally {
            BenchNamespaces.closeAndDelete(ns);
        }
    }

    private static String measure(NetNS ns, int callers, long millis, String tag, boolean report) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CyclicBarrier start = new CyclicBarrier(callers + 1);
        long[][] latencies = new long[callers][];
        int[] counts = new int[callers];
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[1];
        for (int c = 0; c < callers; c++) {
            int me = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long end = window[0];
                long now = System.nanoTime();
                while (now < end) {
                    ns.call(CallBench.EMPTY);
                    long after = System.nanoTime();
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = after - now;
                    now = after;
                }
                latencies[me] = mine;
                counts[me] = n;
            }, "callload-" + c);
            threads.add(t);
            t.start();
        }
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        window[0] = t0 + TimeUnit.MILLISECONDS.toNanos(millis);
        start.await();
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        if (!report) {
            return null;
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < callers; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return String.format(Locale.ROOT,
                "{\"benchmark\":\"CallLoad\",\"tag\":\"%s\",\"callers\":%d,\"calls\":%d,\"ops_per_s\":%.0f,"
                        + "\"p50_us\":%.3f,\"p99_us\":%.3f,\"cpu_us_per_call\":%.3f,\"jdk\":\"%s\"}",
                tag, callers, total, total / (wall / 1e9), all[total / 2] / 1e3, all[(int) (total * 0.99)] / 1e3,
                cpu / 1e3 / total, Runtime.version());
    }
}
