package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NoSuchNetNSException;
import dev.netnsguard.netlink.Netlink;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named namespace for one test, its loopback up, deleted when closed whether the test passed or
 * not. Names are {@code ngtest-cl-<pid>-<n>}, so a leftover is recognisable.
 */
final class TestNamespace implements AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    final String name = "ngtest-cl-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet();
    final NetNS ns;

    TestNamespace() {
        ns = NetNS.createNamed(name);
        try (Netlink nl = Netlink.open(ns)) {
            nl.setUp("lo");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        ns.close();
        try {
            NetNS.deleteNamed(name);
        } catch (NoSuchNetNSException alreadyGone) {
            // the constructor's own rollback, or the test deleted it
        }
    }
}
