package dev.netnsguard.netlink;

import dev.netnsguard.NetNS;
import dev.netnsguard.testing.TestNamespaces;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the netlink tests start from: before each test a fresh named namespace, {@link #blue}, with
 * a {@link Netlink} client {@link #nl} on it; after the test both are gone, with every other
 * namespace the test made through {@link #namespaces}.
 */
abstract class BlueNamespace {
    @RegisterExtension
    final TestNamespaces namespaces = new TestNamespaces();
    NetNS blue;
    /** {@link #blue}'s name, for {@code ip -n} and for the namespace named in errors. */
    String ns;
    Netlink nl;

    @BeforeEach
    final void openBlue() {
        blue = namespaces.create("blue");
        ns = TestNamespaces.nameOf(blue);
        nl = namespaces.closeLater(Netlink.open(blue));
    }
}
