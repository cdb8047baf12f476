package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netlink.Netlink;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * What the scenario programs the integration tests fork share: each is a {@code main} that runs the
 * program its first argument names and prints {@code RESULT key=value} lines the test reads, ending
 * with {@code RESULT done=true}. Every namespace a program makes is named {@code ngtest-ag-<pid>...}
 * and deleted in finally.
 */
final class Scenario {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Scenario() {}

    /** A program, or a case of one. */
    interface Work {
        void run() throws Throwable;
    }

    /** A program that runs inside a fresh named namespace. */
    interface Body {
        void run(NetNS ns) throws Throwable;
    }

    /** Runs the program of {@code programs} that {@code args[0]} names, then prints {@code done}. */
    static void run(String[] args, Map<String, Work> programs) throws Throwable {
        Work program = programs.get(args[0]);
        if (program == null) {
            throw new IllegalArgumentException(args[0]);
        }
        program.run();
        result("done", "true");
    }

    /** A trap program: {@code body} in a fresh namespace, then the counts. */
    static Work trap(Body body) {
        return () -> {
            withNamespace(body);
            counts();
        };
    }

    static void withNamespace(Body body) throws Throwable {
        String name = "ngtest-ag-" + ProcessHandle.current().pid();
        NetNS ns = NetNS.createNamed(name);
        try {
            try (Netlink netlink = Netlink.open(ns)) { // loopback up inside, through the runtime's netlink client
                netlink.setUp("lo");
            }
            body.run(ns);
        } finally {
            ns.close();
            NetNS.deleteNamed(name);
        }
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }

    /** The guard's violation counts per kind, and their total. */
    static void counts() {
        for (Map.Entry<String, Long> e : NetnsGuard.counts().entrySet()) {
            result("count." + e.getKey(), e.getValue());
        }
        result("count.total", NetnsGuard.violations());
    }

    /** Runs {@code action}, recording a thrown NetNSViolationError as "thrown.<label>=<kind>". */
    static void attempt(String label, Callable<?> action) {
        try {
            action.call();
            result("ran." + label, "true");
        } catch (NetNSViolationError e) {
            result("thrown." + label, e.kind());
            result("message." + label, e.getMessage().replace('\n', ' '));
        } catch (Throwable e) {
            result("failed." + label, e.toString().replace('\n', ' '));
        }
    }

    /**
     * Runs one case and records how many violations it caused ({@code case.<name>}) and, for the last
     * one, its fields and where it was submitted from.
     */
    static void measure(String name, Work body) {
        long before = NetnsGuard.violations();
        try {
            body.run();
        } catch (Throwable t) {
            result("failed." + name, t.toString().replace('\n', ' '));
        }
        long after = NetnsGuard.violations();
        result("case." + name, after - before);
        if (after > before) {
            List<Violation> recent = NetnsGuard.recentViolations();
            Violation last = recent.get(recent.size() - 1);
            result("kind." + name, last.kind());
            result("detail." + name, last.detail());
            result("virtual." + name, last.virtual());
            result("expected." + name, last.expected());
            result("actual." + name, last.actual());
            result("submittedFrom." + name, last.submittedFrom() == null ? "none"
                    : String.join("|", last.submittedFrom()));
            result("stack." + name, String.join("|", last.stack()));
        }
    }

    static Void openSocket() throws Exception {
        SocketChannel.open().close();
        return null;
    }

    static Runnable socketTask() {
        return () -> {
            try {
                openSocket();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
    }

    /** Makes a pool's threads exist now, outside any scope: they are born in the launch namespace. */
    /** Whether the calling thread is in the namespace the JVM was launched in, read from /proc (the test's oracle, not the guard's answer). */
    static boolean inLaunchNamespace() {
        try (NetNS here = NetNS.current()) {
            return here.inode() == NetNS.launch().inode();
        }
    }

    static void warm(ExecutorService pool, int threads) throws Exception {
        CountDownLatch all = new CountDownLatch(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                all.countDown();
                all.await();
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /** {@code Thread.ofVirtual()}, or null before JDK 21 (the tests compile for 17). */
    static Object virtualBuilder() throws Exception {
        try {
            return Thread.class.getMethod("ofVirtual").invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            return null;
        }
    }

    static Thread startVirtual(Object builder, Runnable task) throws Exception {
        return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, task);
    }
}
