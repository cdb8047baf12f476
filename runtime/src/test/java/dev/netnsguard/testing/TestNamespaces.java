package dev.netnsguard.testing;

import dev.netnsguard.NetNS;
import dev.netnsguard.NoSuchNetNSException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names, creates and cleans up the named namespaces a test makes. Every name starts with
 * {@code ngtest-rt-<pid>-}, so a leftover is recognisable, and every name handed out is deleted
 * after the test, whether it passed or not: through {@link NetNS#deleteNamed}, falling back to
 * {@code ip netns delete}. Named, not anonymous, so that iproute2 ({@code ip -n NAME}) can act as
 * the oracle.
 *
 * <pre>{@code
 * @RegisterExtension final TestNamespaces namespaces = new TestNamespaces();
 * ... NetNS.createNamed(namespaces.newName()) ...
 * ... NetNS red = namespaces.create("red"); Netlink nl = namespaces.closeLater(Netlink.open(red)); ...
 * }</pre>
 */
public final class TestNamespaces implements AfterEachCallback {
    private static final String PREFIX = "ngtest-rt-" + ProcessHandle.current().pid() + "-";
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final List<String> names = new ArrayList<>();
    private final List<NetNS> handles = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A fresh name, deleted after the test if anything created it. */
    public synchronized String newName() {
        return reserve(PREFIX + SERIAL.incrementAndGet());
    }

    /** A fresh named namespace, created with {@code ip netns add} (iproute2, not netns-guard). */
    public String addWithIproute2() {
        String name = newName();
        Commands.run("ip", "netns", "add", name);
        return name;
    }

    /**
     * Creates a named namespace whose name ends in {@code -suffix}; after the test its handle is
     * closed and the namespace deleted.
     */
    public synchronized NetNS create(String suffix) {
        NetNS ns = NetNS.createNamed(reserve(PREFIX + SERIAL.incrementAndGet() + "-" + suffix));
        handles.add(ns);
        return ns;
    }

    /** Closes {@code closeable} after the test, before the namespaces are deleted; returns it. */
    public synchronized <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** The name of a namespace made by {@link #create}. */
    public static String nameOf(NetNS ns) {
        return ns.name().orElseThrow();
    }

    private String reserve(String name) {
        names.add(name);
        return name;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
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
            } catch (NoSuchNetNSException alreadyGone) {
                // deleted by the test itself, or never created
            } catch (RuntimeException e) {
                if (NetNS.listNamed().contains(name)) {
                    Commands.Result fallback = Commands.tryRun("ip", "netns", "delete", name);
                    if (fallback.exitCode != 0) {
                        e.addSuppressed(new AssertionError("ip netns delete " + name + ": " + fallback.output));
                        failures.add(e);
                    }
                }
            }
        }
        closeables.clear();
        handles.clear();
        names.clear();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleaning up test namespaces failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
