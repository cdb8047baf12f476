package dev.netnsguard.netlink;

import dev.netnsguard.NetNS;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The named namespaces one test makes ({@code ngtest-nl-PID-RANDOM-N-SUFFIX}), all deleted by
 * {@link #close()} even when the test failed: through {@link NetNS#deleteNamed}, falling back to
 * {@code ip netns delete}. Named, not anonymous, so that {@code ip -n NAME} can act as the oracle.
 */
final class TestNamespaces implements AutoCloseable {
    private static final String PREFIX = "ngtest-nl-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + "-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> names = new ArrayList<>();
    private final List<NetNS> handles = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Creates a named namespace; returns its handle, which {@link #close()} closes. */
    synchronized NetNS create(String suffix) {
        String name = PREFIX + COUNTER.incrementAndGet() + "-" + suffix;
        names.add(name);
        NetNS ns = NetNS.createNamed(name);
        handles.add(ns);
        return ns;
    }

    /** Closes {@code closeable} in {@link #close()}, before the namespaces are deleted. */
    synchronized <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    static String nameOf(NetNS ns) {
        return ns.name().orElseThrow();
    }

    @Override
    public synchronized void close() {
        List<Throwable> failures = new ArrayList<>();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        for (NetNS ns : handles) {
            ns.close();
        }
        for (String name : names) {
            try {
                NetNS.deleteNamed(name);
            } catch (RuntimeException e) {
                if (NetNS.listNamed().contains(name)) {
                    try {
                        Ip.run(List.of("ip", "netns", "delete", name));
                    } catch (AssertionError fallback) {
                        failures.add(fallback);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleaning up test namespaces failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
