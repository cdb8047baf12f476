package dev.netnsguard.dns;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netlink.Netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What {@link NameCacheIT} forks, under the agent: {@code NameCacheProgram <program> <namespace> [host name]},
 * where the named namespace is a {@link DnsNamespace} the test made (dnsmasq inside, its
 * {@code /etc/netns/NAME/resolv.conf}). Prints {@code RESULT key=value} lines: each lookup's answer
 * ({@code unknown}, {@code violation:KIND}, or the addresses), the violations the guard counted, its hook
 * failures, and {@code done=true} last.
 */
public final class NameCacheProgram {
    private NameCacheProgram() {}

    public static void main(String[] args) throws Exception {
        Map<String, Program> programs = Map.of(
                "each-its-own", NameCacheProgram::eachItsOwn,
                "uncached", NameCacheProgram::uncached,
                "concurrent", NameCacheProgram::concurrent,
                "shared", NameCacheProgram::shared,
                "host-names", NameCacheProgram::hostNames,
                "stray", NameCacheProgram::stray);
        Program program = programs.get(args[0]);
        if (program == null) {
            throw new IllegalArgumentException(args[0]);
        }
        try (NetNS ns = NetNS.openNamed(args[1])) {
            program.run(ns, args);
        }
        result("violations", NetnsGuard.violations());
        result("hookFailures", NetnsGuard.hookFailures());
        result("done", "true");
    }

    private interface Program {
        void run(NetNS ns, String[] args) throws Exception;
    }

    /**
     * A name resolved first outside, then inside, then outside again: each namespace's own answer. Then
     * the namespace's hosts file changes the answers inside, which the cache keeps (positive and negative)
     * for its TTL.
     */
    private static void eachItsOwn(NetNS ns, String[] args) throws Exception {
        result("outside.first", lookUp(DnsNamespace.NAME));
        result("inside.first", ns.call(host -> lookUp(DnsNamespace.NAME)));
        result("outside.again", lookUp(DnsNamespace.NAME));
        result("inside.localhost", ns.call(host -> lookUp("localhost")));
        result("inside.later", ns.call(host -> lookUp("later.test")));
        writeHosts(ns, "198.51.100.9 " + DnsNamespace.NAME + "\n198.51.100.10 later.test\n");
        result("inside.cached", ns.call(host -> lookUp(DnsNamespace.NAME)));
        result("inside.later.cached", ns.call(host -> lookUp("later.test")));
        result("outside.last", lookUp(DnsNamespace.NAME));
    }

    /** With both TTLs 0, nothing is cached: every lookup inside sees the hosts file as it is now. */
    private static void uncached(NetNS ns, String[] args) throws Exception {
        result("inside.first", ns.call(host -> lookUp(DnsNamespace.NAME)));
        result("inside.later", ns.call(host -> lookUp("later.test")));
        writeHosts(ns, "198.51.100.9 " + DnsNamespace.NAME + "\n198.51.100.10 later.test\n");
        result("inside.again", ns.call(host -> lookUp(DnsNamespace.NAME)));
        result("inside.later.again", ns.call(host -> lookUp("later.test")));
    }

    /**
     * One name looked up at once by threads in two namespaces, and outside: inside the DNS namespace it has
     * {@link DnsNamespace#MANY_COUNT} addresses, in a fresh namespace and outside none. Every lookup's
     * answer is counted by what it was.
     */
    private static void concurrent(NetNS ns, String[] args) throws Exception {
        int threads = 3;
        int rounds = 40;
        try (NetNS fresh = NetNS.create()) {
            try (Netlink netlink = Netlink.open(fresh)) {
                netlink.setUp("lo");
            }
            ExecutorService inside = ns.newExecutor(threads);
            ExecutorService other = fresh.newExecutor(threads);
            ExecutorService outside = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<String>>> answers = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    answers.add(inside.submit(rounds("inside", start, rounds)));
                    answers.add(other.submit(rounds("fresh", start, rounds)));
                    answers.add(outside.submit(rounds("outside", start, rounds)));
                }
                start.countDown();
                Map<String, Long> seen = new java.util.TreeMap<>();
                for (Future<List<String>> answer : answers) {
                    for (String one : answer.get(60, TimeUnit.SECONDS)) {
                        seen.merge(one, 1L, Long::sum);
                    }
                }
                seen.forEach((answer, n) -> result("seen." + answer, n));
            } finally {
                inside.shutdownNow();
                other.shutdownNow();
                outside.shutdownNow();
            }
        }
    }

    private static Callable<List<String>> rounds(String where, CountDownLatch start, int rounds) {
        return () -> {
            start.await(30, TimeUnit.SECONDS);
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                String answer = lookUp(DnsNamespace.MANY);
                answers.add(where + "." + (answer.startsWith("198.51.100.") ? answer.split(",").length : answer));
            }
            return answers;
        };
    }

    /**
     * The JVM-wide cache as it is (no {@code dns-cache} option): a negative answer from outside is served
     * inside, and a positive one from inside is served outside.
     */
    private static void shared(NetNS ns, String[] args) throws Exception {
        result("outside.first", lookUp(DnsNamespace.NAME));
        long before = NetnsGuard.violations();
        result("inside.first", ns.call(host -> lookUp(DnsNamespace.NAME)));
        result("inside.reported", NetnsGuard.violations() - before);
        List<Violation> recent = NetnsGuard.recentViolations();
        if (!recent.isEmpty()) {
            result("inside.detail", recent.get(recent.size() - 1).detail());
        }
        result("inside.many", ns.call(host -> lookUp(DnsNamespace.MANY)));
        result("outside.many", lookUp(DnsNamespace.MANY));
    }

    /**
     * A name the host's nameserver answers (resolv.conf of the machine, unreachable from inside a fresh
     * namespace): looked up inside first, then outside, then inside and outside again.
     */
    private static void hostNames(NetNS ns, String[] args) throws Exception {
        String name = args[2];
        try (NetNS fresh = NetNS.create()) {
            try (Netlink netlink = Netlink.open(fresh)) {
                netlink.setUp("lo");
            }
            result("inside.first", fresh.call(host -> lookUp(name)));
            result("outside.first", lookUp(name));
            result("inside.again", fresh.call(host -> lookUp(name)));
            result("outside.again", lookUp(name));
            result("inside.localhost", fresh.call(host -> lookUp("localhost")));
        }
    }

    /**
     * A lookup on a thread in the wrong namespace: a pool worker born inside the namespace serving a task
     * submitted outside scopes. The per-namespace answer does not hide it: the guard still reports it.
     */
    private static void stray(NetNS ns, String[] args) throws Exception {
        ExecutorService pool = ns.call(host -> {
            ExecutorService born = java.util.concurrent.Executors.newSingleThreadExecutor();
            born.submit(() -> null).get(30, TimeUnit.SECONDS); // its worker starts now, inside the namespace
            return born;
        });
        try {
            long before = NetnsGuard.violations();
            result("stray.answer", pool.submit(() -> lookUp("localhost")).get(30, TimeUnit.SECONDS));
            result("stray.reported", NetnsGuard.violations() - before);
            List<Violation> recent = NetnsGuard.recentViolations();
            result("stray.kind", recent.isEmpty() ? "none" : recent.get(recent.size() - 1).kind());
            result("stray.detail", recent.isEmpty() ? "none" : recent.get(recent.size() - 1).detail());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The answer to a lookup of {@code name} here: the addresses, {@code unknown}, or {@code violation:KIND}. */
    static String lookUp(String name) {
        try {
            List<String> addresses = new ArrayList<>();
            for (InetAddress address : InetAddress.getAllByName(name)) {
                addresses.add(address.getHostAddress());
            }
            return String.join(",", addresses);
        } catch (UnknownHostException unknown) {
            return "unknown";
        } catch (NetNSViolationError violation) {
            return "violation:" + violation.kind();
        }
    }

    /** {@code /etc/netns/NAME/hosts} of the test's namespace; the test's fixture removes it. */
    private static void writeHosts(NetNS ns, String content) throws Exception {
        Files.writeString(NetnsDirectory.ROOT.resolve(ns.name().orElseThrow()).resolve("hosts"), content);
    }

    private static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
        System.out.flush();
    }
}
