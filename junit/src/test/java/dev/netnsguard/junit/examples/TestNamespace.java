package dev.netnsguard.junit.examples;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named namespace for the examples, {@code ngtest-ju-<pid>-<n>-<tag>}, with its loopback up;
 * closing it closes the handle and deletes the name.
 */
public final class TestNamespace implements AutoCloseable {
    /** Every name starts with this: the tests check none is left. */
    public static final String PREFIX = "ngtest-ju-" + ProcessHandle.current().pid() + "-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final NetNS ns;
    private final String name;

    private TestNamespace(NetNS ns, String name) {
        this.ns = ns;
        this.name = name;
    }

    public static TestNamespace create(String tag) {
        String name = PREFIX + COUNTER.incrementAndGet() + "-" + tag;
        NetNS ns = NetNS.createNamed(name);
        try (Netlink netlink = Netlink.open(ns)) {
            netlink.setUp("lo");
        } catch (RuntimeException | Error e) {
            ns.close();
            NetNS.deleteNamed(name);
            throw e;
        }
        return new TestNamespace(ns, name);
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            ns.close();
        } finally {
            NetNS.deleteNamed(name);
        }
    }
}
