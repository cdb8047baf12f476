package dev.netnsguard.testing;

import dev.netnsguard.NetNS;
import dev.netnsguard.NoSuchNetNSException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names and cleans up the named namespaces a test makes. Every name starts with
 * {@code ngtest-rt-<pid>-}, so a leftover is recognisable, and every name handed out is deleted
 * after the test, whether it passed or not.
 *
 * <pre>{@code
 * @RegisterExtension final TestNamespaces namespaces = new TestNamespaces();
 * ... NetNS.createNamed(namespaces.newName()) ...
 * }</pre>
 */
public final class TestNamespaces implements AfterEachCallback {
    private static final String PREFIX = "ngtest-rt-" + ProcessHandle.current().pid() + "-";
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final List<String> names = new ArrayList<>();

    /** A fresh name, deleted after the test if anything created it. */
    public synchronized String newName() {
        String name = PREFIX + SERIAL.incrementAndGet();
        names.add(name);
        return name;
    }

    /** A fresh named namespace, created with {@code ip netns add} (iproute2, not netns-guard). */
    public String addWithIproute2() {
        String name = newName();
        Commands.run("ip", "netns", "add", name);
        return name;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        for (String name : names) {
            try {
                NetNS.deleteNamed(name);
            } catch (NoSuchNetNSException alreadyGone) {
                // deleted by the test itself, or never created
            }
        }
        names.clear();
    }
}
