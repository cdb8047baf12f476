package dev.netnsguard.bench;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names, creation and guaranteed deletion of the benchmarks' named namespaces.
 *
 * <p>Every name is {@code ngbench-<pid>-<tag>-<n>}: unique per JVM and recognisable, so that
 * {@code bench/compare.sh}'s exit trap can remove whatever a killed fork left behind. Each name is
 * recorded before the namespace is created and forgotten only after it is deleted; JMH's
 * {@code @TearDown} and a shutdown hook (Ctrl-C) delete what is still recorded.
 */
public final class BenchNamespaces {
    public static final String PREFIX = "ngbench-";

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SERIAL = new AtomicLong();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(BenchNamespaces::deleteAll, "ngbench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private BenchNamespaces() {}

    /** A fresh, unused name, recorded for cleanup. */
    public static String newName(String tag) {
        String name = PREFIX + PID + "-" + tag + "-" + SERIAL.incrementAndGet();
        LIVE.add(name);
        return name;
    }

    /**
     * Creates the named namespace {@code name} with its loopback link up (as the Go and C references
     * do with {@code ip netns add} + {@code ip -n NAME link set lo up}). On failure nothing is left.
     */
    public static NetNS createWithLoopback(String tag) {
        String name = newName(tag);
        NetNS ns = null;
        try {
            ns = NetNS.createNamed(name);
            run("ip", "-n", name, "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException | Error e) {
            if (ns != null) {
                ns.close();
            }
            deleteQuietly(name);
            throw e;
        }
    }

    /** Deletes {@code name} if it exists and forgets it. */
    public static void deleteQuietly(String name) {
        try {
            NetNS.deleteNamed(name);
        } catch (RuntimeException alreadyGone) {
            // nothing to delete, or it will be reported by the script's trap
        }
        LIVE.remove(name);
    }

    /** A benchmark's teardown: closes its handle (if any), then deletes its namespace, even if closing fails. */
    public static void closeAndDelete(NetNS ns) {
        if (ns == null) {
            return;
        }
        String name = ns.name().orElse(null);
        try {
            ns.close();
        } finally {
            if (name != null) {
                deleteQuietly(name);
            }
        }
    }

    /** Forgets {@code name} after the benchmark itself deleted it. */
    public static void deleted(String name) {
        LIVE.remove(name);
    }

    /** Deletes every namespace this JVM created and has not deleted yet. */
    public static void deleteAll() {
        for (String name : LIVE.toArray(new String[0])) {
            deleteQuietly(name);
        }
    }

    static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": exit " + p.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }
}
