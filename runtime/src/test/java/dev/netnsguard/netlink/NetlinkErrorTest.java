package dev.netnsguard.netlink;

import static dev.netnsguard.netlink.NetlinkAddressRouteTest.ip;
import static dev.netnsguard.netlink.NetlinkLinkTest.ipLinkNames;
import static dev.netnsguard.testing.TestNamespaces.nameOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSClosedException;
import dev.netnsguard.NetNSException;

import java.net.StandardProtocolFamily;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Kernel errors become typed exceptions; bad input and closed handles fail before anything is sent. */
class NetlinkErrorTest extends BlueNamespace {
    @Test
    void aDuplicateLinkIsAnExistsErrorNamingOperationAndNamespace() {
        nl.addVeth("veth0", "veth0p");
        NetlinkExistsException e = assertThrows(NetlinkExistsException.class, () -> nl.addVeth("veth0", "other0"));
        assertEquals("EEXIST", e.errnoName());
        assertEquals(17, e.errno());
        assertEquals(ns, e.namespace());
        assertEquals("add link veth0 (veth, peer other0)", e.operation());
        assertTrue(e.getMessage().startsWith("add link veth0 (veth, peer other0) in " + ns + ": EEXIST (File exists)"),
                e.getMessage());
        assertTrue(e instanceof NetNSException);
        assertFalse(ipLinkNames(ns).contains("other0"), "the failed pair left no end behind");

        nl.addBridge("br0");
        assertEquals("EEXIST", assertThrows(NetlinkExistsException.class, () -> nl.addBridge("br0")).errnoName());
    }

    @Test
    void aMissingLinkIsANoSuchLinkError() {
        NoSuchLinkException get = assertThrows(NoSuchLinkException.class, () -> nl.link("nosuch0"));
        assertEquals("ENODEV", get.errnoName());
        assertEquals("get link nosuch0 in " + ns + ": ENODEV (No such device)", get.getMessage());
        assertEquals(19, assertThrows(NoSuchLinkException.class, () -> nl.link(4242)).errno());
        for (Executable op : List.<Executable>of(
                () -> nl.setUp("nosuch0"),
                () -> nl.setMtu("nosuch0", 1400),
                () -> nl.rename("nosuch0", "x0"),
                () -> nl.deleteLink("nosuch0"),
                () -> nl.setMaster("lo", "nosuch0"),
                () -> nl.moveTo("nosuch0", blue),
                () -> nl.addresses("nosuch0"),
                () -> nl.addAddress("nosuch0", ip("198.51.100.1"), 24),
                () -> nl.addRoute(RouteSpec.to(ip("198.51.100.0"), 24).dev("nosuch0")))) {
            NoSuchLinkException e = assertThrows(NoSuchLinkException.class, op);
            assertTrue(e.getMessage().contains(" in " + ns + ": ENODEV (No such device)"), e.getMessage());
        }
        assertTrue(assertThrows(NoSuchLinkException.class, () -> nl.setUp("nosuch0")).getMessage()
                .startsWith("set link nosuch0 up in "));
    }

    @Test
    void aVethWhosePeerNameIsTakenInTheOtherNamespaceLeavesNothingHalfMade() {
        NetNS red = namespaces.create("red");
        try (Netlink inRed = Netlink.open(red)) {
            inRed.addBridge("veth1");
        }
        NetlinkExistsException e = assertThrows(NetlinkExistsException.class, () -> nl.addVeth("veth0", "veth1", red));
        assertTrue(e.getMessage().contains("peer veth1 in " + nameOf(red)), e.getMessage());
        assertEquals(List.of("lo"), ipLinkNames(ns));
        assertEquals(List.of("lo", "veth1"), ipLinkNames(nameOf(red)));

        nl.addBridge("taken0");
        assertThrows(NetlinkExistsException.class, () -> nl.addVeth("taken0", "fresh0", red));
        assertEquals(List.of("lo", "veth1"), ipLinkNames(nameOf(red)), "no peer left behind in red");
    }

    @Test
    void movingOntoATakenNameFailsAndTheLinkStays() {
        NetNS red = namespaces.create("red");
        try (Netlink inRed = Netlink.open(red)) {
            inRed.addBridge("mv0");
        }
        nl.addVeth("mv0", "mv0p");
        assertThrows(NetlinkExistsException.class, () -> nl.moveTo("mv0", red));
        assertTrue(ipLinkNames(ns).contains("mv0"));
    }

    @Test
    void movingToAProcessThatDoesNotExistIsESRCH() {
        nl.addVeth("px0", "px0p");
        NetlinkException e = assertThrows(NetlinkException.class, () -> nl.moveToProcess("px0", Integer.MAX_VALUE));
        assertEquals("ESRCH", e.errnoName(), e.getMessage());
        assertTrue(ipLinkNames(ns).contains("px0"));
    }

    @Test
    void theKernelsOwnExplanationIsKept() {
        // Bridges are netns-local: the kernel refuses to move them and says why (extended ack).
        NetNS red = namespaces.create("red");
        nl.addBridge("br0");
        NetlinkException e = assertThrows(NetlinkException.class, () -> nl.moveTo("br0", red));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.kernelMessage().isPresent(), e.getMessage());
        assertTrue(e.getMessage().startsWith("move link br0 to " + nameOf(red) + " in " + ns
                + ": EINVAL (Invalid argument) (kernel: "), e.getMessage());
    }

    @Test
    void withoutCapNetAdminTheKernelsRefusalIsAPermissionError() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread unprivileged = new Thread(() -> {
            try {
                ThreadCapabilities.dropEffective(ThreadCapabilities.CAP_NET_ADMIN);
                nl.setUp("lo");
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "ngtest-no-net-admin");
        unprivileged.start();
        unprivileged.join();
        NetlinkPermissionException e = assertInstanceOf(NetlinkPermissionException.class, thrown.get());
        assertEquals("EPERM", e.errnoName());
        assertTrue(e.getMessage().startsWith("set link lo up in " + ns + ": EPERM (Operation not permitted)"),
                e.getMessage());
        nl.setUp("lo");
        assertTrue(nl.link("lo").isUp(), "the socket still works for privileged threads");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        // On a closed handle: an IllegalArgumentException instead of NetNSClosedException proves the
        // check happens before the socket is touched.
        nl.close();
        for (String bad : new String[] {"", "sixteen-bytes-xx", "a/b", "a b", "a\tb", "a:b", ".", "..", "a\nb",
                "\u00e9123456789abcde" /* 16 bytes in UTF-8, 15 chars */}) {
            assertIllegal(() -> nl.addBridge(bad), "name " + bad);
            assertIllegal(() -> nl.setUp(bad), "name " + bad);
            assertIllegal(() -> nl.rename("lo", bad), "name " + bad);
            assertIllegal(() -> nl.addVeth("ok0", bad, blue), "name " + bad);
        }
        assertIllegal(() -> nl.addBridge(null), "null name");
        assertIllegal(() -> nl.addVeth("same0", "same0"), "same names");
        assertIllegal(() -> nl.setMtu("lo", 67), "mtu 67");
        assertIllegal(() -> nl.setMtu("lo", 0), "mtu 0");
        assertIllegal(() -> nl.setMtu("lo", 65537), "mtu 65537");
        assertIllegal(() -> nl.addAddress("lo", ip("198.51.100.1"), 33), "prefix 33");
        assertIllegal(() -> nl.addAddress("lo", ip("198.51.100.1"), -1), "prefix -1");
        assertIllegal(() -> nl.addAddress("lo", ip("2001:db8::1"), 129), "prefix 129");
        assertIllegal(() -> nl.deleteAddress("lo", ip("198.51.100.1"), 40), "prefix 40");
        assertIllegal(() -> nl.link(0), "index 0");
        assertIllegal(() -> nl.moveToProcess("lo", 0), "pid 0");
        assertIllegal(() -> nl.addRoute(RouteSpec.to(ip("198.51.100.0"), 24)), "route without via or dev");
        assertIllegal(() -> RouteSpec.to(ip("198.51.100.1"), 24), "host bits");
        assertIllegal(() -> RouteSpec.to(ip("2001:db8::1"), 64), "host bits v6");
        assertIllegal(() -> RouteSpec.to(ip("198.51.100.0"), 24).via(ip("2001:db8::1")), "gateway family");
        assertIllegal(() -> RouteSpec.to(ip("198.51.100.0"), 24).dev("bad/name"), "route device name");
        assertIllegal(() -> RouteSpec.defaultRoute(StandardProtocolFamily.UNIX), "unix family");

        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> nl.addBridge("sixteen-bytes-xx"));
        assertEquals("interface name 'sixteen-bytes-xx' is 16 bytes long; at most 15 are allowed",
                tooLong.getMessage());
    }

    @Test
    void aClosedHandleThrowsClosedAndCloseIsIdempotent() {
        nl.close();
        nl.close();
        assertTrue(nl.isClosed());
        for (Executable op : List.<Executable>of(nl::links, () -> nl.link("lo"), () -> nl.setUp("lo"),
                nl::addresses, nl::routes, () -> nl.addBridge("br0"))) {
            NetNSClosedException e = assertThrows(NetNSClosedException.class, op);
            assertTrue(e.getMessage().contains(ns), e.getMessage());
        }
    }

    @Test
    void aClosedNamespaceHandleIsRefusedBeforeSending() {
        NetNS red = namespaces.create("red");
        String redName = nameOf(red);
        red.close();
        assertThrows(NetNSClosedException.class, () -> Netlink.open(red));
        assertThrows(NetNSClosedException.class, () -> nl.addVeth("veth0", "veth1", red));
        assertEquals(List.of("lo"), ipLinkNames(ns));
        assertEquals(List.of("lo"), ipLinkNames(redName));
    }

    @Test
    void theSocketOutlivesItsNamespaceHandle() {
        NetNS red = namespaces.create("red");
        try (Netlink inRed = Netlink.open(red)) {
            red.close();
            inRed.addBridge("still0");
            assertTrue(ipLinkNames(nameOf(red)).contains("still0"));
        }
    }

    private static void assertIllegal(Executable op, String what) {
        assertThrows(IllegalArgumentException.class, op, what);
    }

    private static <T> T assertInstanceOf(Class<T> type, Throwable actual) {
        return org.junit.jupiter.api.Assertions.assertInstanceOf(type, actual, String.valueOf(actual));
    }
}
