package dev.netnsguard.netlink;

import static dev.netnsguard.testing.TestNamespaces.nameOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netnsguard.NetNS;
import dev.netnsguard.internal.linux.Syscalls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Link operations in namespaces the tests create, checked against {@code ip -d -j link show}. */
class NetlinkLinkTest extends BlueNamespace {
    @Test
    void listsTheLinksIpLists() {
        Oracle.assertLinksMatch(nl, ns);
        Ip.exec(ns, "link", "add", "ipva", "type", "veth", "peer", "name", "ipvb");
        Ip.exec(ns, "link", "add", "ipbr", "type", "bridge");
        Ip.exec(ns, "link", "set", "ipva", "master", "ipbr", "mtu", "1400", "up");
        Ip.exec(ns, "link", "set", "lo", "up");
        Oracle.assertLinksMatch(nl, ns);
    }

    @Test
    void getsALinkByNameAndByIndex() {
        Link lo = nl.link("lo");
        assertEquals("lo", lo.name());
        assertEquals("loopback", lo.typeName());
        assertEquals(Optional.empty(), lo.kind());
        assertEquals(lo, nl.link(lo.index()));
        assertEquals(List.of(lo), nl.links());
        assertEquals(Optional.of(lo), nl.findLink("lo"));
        assertEquals(Optional.empty(), nl.findLink("nosuch0"));
    }

    @Test
    void addsAVethPairIpSees() {
        Link a = nl.addVeth("va", "vb");
        assertEquals("va", a.name());
        assertEquals(Optional.of("veth"), a.kind());
        assertFalse(a.isUp());
        assertEquals(Optional.of("veth"), nl.link("vb").kind());
        Oracle.assertLinksMatch(nl, ns);
        assertTrue(ipLinkNames(ns).containsAll(List.of("va", "vb")));
    }

    @Test
    void addsAVethPairWithThePeerInAnotherNamespace() {
        NetNS red = namespaces.create("red");
        String redName = nameOf(red);
        Link local = nl.addVeth("veth0", "veth1", red);
        assertEquals("veth0", local.name());
        assertEquals(List.of("lo", "veth0"), ipLinkNames(ns));
        assertEquals(List.of("lo", "veth1"), ipLinkNames(redName));
        try (Netlink inRed = Netlink.open(red)) {
            assertEquals(Optional.of("veth"), inRed.link("veth1").kind());
            Oracle.assertLinksMatch(inRed, redName);
        }
        Oracle.assertLinksMatch(nl, ns);
    }

    @Test
    void addsADummyWhereTheKernelHasTheDriver() {
        Link dummy;
        try {
            dummy = nl.addDummy("dummy0");
        } catch (NetlinkException e) {
            // Kernels built without CONFIG_DUMMY answer EOPNOTSUPP "Unknown device type".
            assertEquals("EOPNOTSUPP", e.errnoName(), e.getMessage());
            assertEquals(List.of("lo"), ipLinkNames(ns), "a refused dummy leaves nothing");
            assumeTrue(false, "this kernel has no dummy driver: " + e.getMessage());
            return;
        }
        assertEquals(Optional.of("dummy"), dummy.kind());
        Oracle.assertLinksMatch(nl, ns);
    }

    @Test
    void addsABridgeAndEnslavesALink() {
        Link bridge = nl.addBridge("br0");
        assertEquals(Optional.of("bridge"), bridge.kind());
        nl.addVeth("port0", "port0p");
        nl.setMaster("port0", "br0");
        assertEquals(OptionalInt.of(bridge.index()), nl.link("port0").masterIndex());
        assertEquals("br0", ipLink(ns, "port0").get("master"));
        Oracle.assertLinksMatch(nl, ns);

        nl.clearMaster("port0");
        assertEquals(OptionalInt.empty(), nl.link("port0").masterIndex());
        assertFalse(ipLink(ns, "port0").containsKey("master"));
    }

    @Test
    void setsUpDownMtuAndName() {
        nl.addVeth("a0", "a0p");
        nl.setMtu("a0", 1400);
        assertEquals(1400L, ipLink(ns, "a0").get("mtu"));
        nl.setUp("a0");
        nl.setUp("a0p");
        assertTrue(nl.link("a0").isUp());
        assertTrue(ipFlags(ns, "a0").contains("UP"));
        Oracle.assertLinksMatch(nl, ns);
        nl.setDown("a0");
        assertFalse(nl.link("a0").isUp());
        assertFalse(ipFlags(ns, "a0").contains("UP"));

        int index = nl.link("a0").index();
        nl.rename("a0", "renamed0");
        assertEquals(index, nl.link("renamed0").index());
        assertFalse(ipLinkNames(ns).contains("a0"));
        assertEquals(index, ((Long) ipLink(ns, "renamed0").get("ifindex")).intValue());
        Oracle.assertLinksMatch(nl, ns);
    }

    @Test
    void setsLoopbackUp() {
        nl.setUp("lo");
        Link lo = nl.link("lo");
        assertTrue(lo.isUp());
        assertTrue(ipFlags(ns, "lo").contains("UP"));
        Oracle.assertLinksMatch(nl, ns);
    }

    @Test
    void movesALinkToAnotherNamespaceByFd() {
        NetNS red = namespaces.create("red");
        nl.addVeth("m0", "m0p");
        nl.moveTo("m0", red);
        assertFalse(ipLinkNames(ns).contains("m0"));
        assertTrue(ipLinkNames(nameOf(red)).contains("m0"));
        assertEquals(Optional.empty(), nl.findLink("m0"));
    }

    @Test
    void movesALinkToTheNamespaceOfAThreadByPid() {
        NetNS red = namespaces.create("red");
        // Any task id names its namespace; a thread living inside red is one.
        int tid = red.call(host -> Syscalls.gettid());
        nl.addVeth("p0", "p0p");
        nl.moveToProcess("p0", tid);
        assertFalse(ipLinkNames(ns).contains("p0"));
        assertTrue(ipLinkNames(nameOf(red)).contains("p0"));
    }

    @Test
    void deletesALink() {
        nl.addBridge("gone0");
        assertTrue(ipLinkNames(ns).contains("gone0"));
        nl.deleteLink("gone0");
        assertFalse(ipLinkNames(ns).contains("gone0"));
        nl.addVeth("gone1", "gone1p");
        nl.deleteLink("gone1p");
        assertEquals(List.of("lo"), ipLinkNames(ns), "deleting one end of a veth deletes both");
    }

    @Test
    void concurrentRequestsFromManyThreadsAllGetTheirOwnReplies() throws Exception {
        int threads = 8;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            String name = "c" + t;
            Thread worker = new Thread(() -> {
                try {
                    nl.addBridge(name);
                    for (int i = 0; i < 20; i++) {
                        assertEquals(name, nl.link(name).name());
                        assertTrue(nl.links().stream().anyMatch(l -> l.name().equals(name)));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(threads + 1, nl.links().size());
        Oracle.assertLinksMatch(nl, ns);
    }

    static List<String> ipLinkNames(String ns) {
        return Ip.json(ns, "link", "show").stream().map(l -> (String) l.get("ifname")).sorted()
                .collect(Collectors.toList());
    }

    static Map<String, Object> ipLink(String ns, String name) {
        List<Map<String, Object>> links = Ip.json(ns, "-d", "link", "show", "dev", name);
        assertEquals(1, links.size(), "ip link show dev " + name);
        return links.get(0);
    }

    @SuppressWarnings("unchecked")
    static List<String> ipFlags(String ns, String name) {
        return (List<String>) ipLink(ns, name).get("flags");
    }
}
