package dev.netnsguard.demo;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The first thing a newcomer runs: a two-namespace network comes up, a service starts in one
 * namespace and is reached from the other the right ways, and is refused the wrong way.
 *
 * <p>Run as root: {@code demo/run.sh [--keep] [--help]}.
 */
public final class Demo {
    static final int PORT = 7007;
    static final int LOOPBACK_PORT = 7008;

    private final Terminal terminal;
    private final boolean keep;
    private final boolean strict;
    private int failures;

    Demo(Terminal terminal, boolean keep, boolean strict) {
        this.terminal = terminal;
        this.keep = keep;
        this.strict = strict;
    }

    public static void main(String[] args) throws Exception {
        Terminal terminal = new Terminal(System.out);
        boolean keep = false;
        boolean trace = false;
        boolean strict = false;
        for (String arg : args) {
            switch (arg) {
                case "--keep":
                    keep = true;
                    break;
                case "--strict":
                    strict = true;
                    break;
                case "--trace":
                    trace = true;
                    break;
                case "--help":
                case "-h":
                    usage(terminal);
                    return;
                default:
                    System.err.println("netns-guard demo: unknown option " + arg + " (see --help)");
                    System.exit(2);
            }
        }
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            System.err.println("netns-guard demo: must run as root: it creates network namespaces, which needs"
                    + " CAP_SYS_ADMIN. Try: sudo demo/run.sh");
            System.exit(1);
        }
        int exit;
        try {
            exit = new Demo(terminal, keep, strict).run();
        } catch (Exception e) {
            System.err.println("netns-guard demo: failed: " + e + (trace ? "" : " (--trace shows where)"));
            if (trace) {
                e.printStackTrace();
            }
            exit = 1;
        }
        System.exit(exit);
    }

    private static void usage(Terminal terminal) {
        terminal.line("usage: demo/run.sh [--strict] [--keep] [--trace] [--help]");
        terminal.line("  --strict the guard throws at each classic bug instead of reporting it");
        terminal.line("  --keep   leave the demo's namespaces (" + Topology.PREFIX + "*) for inspection with `ip netns`");
        terminal.line("  --trace  print stack traces of errors");
        terminal.line("  --help   this text");
        terminal.line("Runs as root. Whatever happens (an error, Ctrl-C) it deletes what it created, unless --keep.");
    }

    /** Runs the demo; returns the process exit code (0 when everything behaved as shown). */
    int run() throws Exception {
        terminal.title("netns-guard demo");
        for (String leftover : Topology.deleteAll()) {
            terminal.note("removed " + leftover + ", left by an earlier interrupted run");
        }
        Thread cleanup = new Thread(this::cleanUp, "netns-guard-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            terminal.section("the network: two namespaces joined by a veth pair (netlink, in-process)");
            try (Topology network = Topology.build()) {
                terminal.ok(Topology.BLUE + " " + Topology.BLUE_LINK, Topology.BLUE_V4_TEXT + "/24  "
                        + Topology.BLUE_V6_TEXT + "/64  " + network.blue);
                terminal.ok(Topology.RED + "  " + Topology.RED_LINK, Topology.RED_V4_TEXT + "/24  "
                        + Topology.RED_V6_TEXT + "/64  " + network.red);
                serviceInBlue(network);
            }
        } finally {
            cleanUp();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        terminal.section(failures == 0 ? "everything behaved as shown" : failures + " step(s) did not behave as shown");
        return failures == 0 ? 0 : 1;
    }

    private void serviceInBlue(Topology network) throws Exception {
        NetNS blue = network.blue;
        NetNS red = network.red;
        try (ServerSocketChannel service = blue.openServerSocketChannel();
             ServerSocketChannel loopbackOnly = blue.openServerSocketChannel()) {
            service.bind(new InetSocketAddress(PORT));
            loopbackOnly.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), LOOPBACK_PORT));
            startGreeter(service, "hello from " + Topology.BLUE);
            startGreeter(loopbackOnly, "hello from " + Topology.BLUE + "'s loopback");
            terminal.section("a service born in " + Topology.BLUE + ", reached from " + Topology.RED + " the right ways");
            terminal.ok("server socket born in " + Topology.BLUE, "listening on port " + PORT + ", "
                    + NetNS.of(service) + " (SIOCGSKNS)");

            InetSocketAddress v4 = new InetSocketAddress(Topology.BLUE_V4, PORT);
            InetSocketAddress v6 = new InetSocketAddress(Topology.BLUE_V6, PORT);
            expectGreeting("red.call(...): connect " + Topology.BLUE_V4_TEXT,
                    red.call(host -> Greeter.ask(v4)));

            ExecutorService inRed = red.newExecutor(2);
            try {
                expectGreeting("red.newExecutor(2): connect [" + Topology.BLUE_V6_TEXT + "]",
                        inRed.submit(() -> Greeter.ask(v6)).get());
            } finally {
                inRed.shutdown();
                inRed.awaitTermination(1, TimeUnit.MINUTES);
            }

            try (SocketChannel bornInRed = red.openSocketChannel()) {
                String[] reply = new String[1];
                String kind = startPlain(() -> reply[0] = Greeter.ask(bornInRed, v4));
                expectGreeting("socket born in red, used from a " + kind, reply[0]);
                if (!kind.startsWith("virtual")) {
                    terminal.note("(a virtual thread on JDK 21+)");
                }
            }

            terminal.section("and refused the wrong way");
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), LOOPBACK_PORT);
            String where = "127.0.0.1:" + LOOPBACK_PORT;
            expectGreeting("blue.call(...): connect " + where, blue.call(host -> Greeter.ask(loopback)),
                    "hello from " + Topology.BLUE + "'s loopback");
            try {
                Greeter.ask(loopback);
                fail("from the JVM's namespace: connect " + where, "connected: not isolated");
            } catch (ConnectException refused) {
                terminal.ok("from the JVM's namespace: connect " + where, "refused: blue's loopback is blue's");
            }
            classicBugs(network);
        }
    }

    private void classicBugs(Topology network) throws Exception {
        if (!GuardWatch.agentAttached()) {
            terminal.section("the classic bugs");
            terminal.note("skipped: the agent is not attached (demo/run.sh attaches it with -javaagent)");
            return;
        }
        GuardWatch guard = new GuardWatch(terminal, strict);
        guard.configure();
        terminal.section("the classic bugs, under the agent in " + (strict ? "strict" : "report") + " mode");
        if (!ClassicBugs.ownHostsFile()) {
            terminal.note("the name lookup bug is left out: it needs -Djdk.net.hosts.file=demo/hosts (demo/run.sh sets it),"
                    + " so that no lookup can leave the machine");
        }
        List<GuardWatch.Outcome> outcomes = new java.util.ArrayList<>();
        for (Bug bug : ClassicBugs.all()) {
            outcomes.add(guard.watch(bug, network));
        }
        terminal.section("summary");
        terminal.row("bug", "the guard", strict ? "strict mode" : "report mode");
        for (GuardWatch.Outcome outcome : outcomes) {
            terminal.row(outcome.bug.label(), outcome.bug.expectedKind(), outcome.verdict);
            if (!outcome.caught) {
                failures++;
            }
        }
    }

    private void expectGreeting(String label, String reply) {
        expectGreeting(label, reply, "hello from " + Topology.BLUE);
    }

    private void expectGreeting(String label, String reply, String expected) {
        if (expected.equals(reply)) {
            terminal.ok(label, "\"" + reply + "\"");
        } else {
            fail(label, "got \"" + reply + "\", expected \"" + expected + "\"");
        }
    }

    private void fail(String label, String what) {
        failures++;
        terminal.failed(label, what);
    }

    private static void startGreeter(ServerSocketChannel server, String greeting) {
        Thread thread = new Thread(() -> Greeter.serve(server, greeting), "demo-greeter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code work} on a virtual thread where the JDK has them (21+), else on a platform thread. */
    private static String startPlain(IoWork work) throws Exception {
        Exception[] failure = new Exception[1];
        Runnable task = () -> {
            try {
                work.run();
            } catch (Exception e) {
                failure[0] = e;
            }
        };
        Thread thread;
        String kind;
        try {
            thread = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, task);
            kind = "virtual thread";
        } catch (NoSuchMethodException beforeJava21) {
            thread = new Thread(task);
            thread.start();
            kind = "platform thread";
        }
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return kind;
    }

    private void cleanUp() {
        if (keep) {
            terminal.note("kept " + List.of(Topology.BLUE, Topology.RED)
                    + " (--keep): inspect with `ip netns list`, remove with `ip netns delete NAME`");
            return;
        }
        Topology.deleteAll();
    }

    @FunctionalInterface
    private interface IoWork {
        void run() throws IOException;
    }
}
