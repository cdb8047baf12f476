package dev.netnsguard.demo;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSException;
import dev.netnsguard.netlink.AddressOption;
import dev.netnsguard.netlink.Netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The demo's network, built in-process with the netlink client: two named namespaces joined by a
 * veth pair, with addresses from the documentation ranges 198.51.100.0/24 and 2001:db8::/64 and
 * loopback up in both. Nothing in the namespace the JVM runs in is touched.
 */
final class Topology implements AutoCloseable {
    static final String PREFIX = "ngdemo-";
    static final String BLUE = PREFIX + "blue";
    static final String RED = PREFIX + "red";
    static final String BLUE_LINK = "veth-blue";
    static final String RED_LINK = "veth-red";
    static final String BLUE_V4_TEXT = "198.51.100.1";
    static final String RED_V4_TEXT = "198.51.100.2";
    static final String BLUE_V6_TEXT = "2001:db8::1";
    static final String RED_V6_TEXT = "2001:db8::2";
    static final InetAddress BLUE_V4 = address(BLUE_V4_TEXT);
    static final InetAddress RED_V4 = address(RED_V4_TEXT);
    static final InetAddress BLUE_V6 = address(BLUE_V6_TEXT);
    static final InetAddress RED_V6 = address(RED_V6_TEXT);

    final NetNS blue;
    final NetNS red;

    private Topology(NetNS blue, NetNS red) {
        this.blue = blue;
        this.red = red;
    }

    /** Creates both namespaces and wires them; on any failure deletes whatever it made. */
    static Topology build() {
        NetNS blue = null;
        NetNS red = null;
        try {
            blue = NetNS.createNamed(BLUE);
            red = NetNS.createNamed(RED);
            try (Netlink inBlue = Netlink.open(blue); Netlink inRed = Netlink.open(red)) {
                inBlue.setUp("lo");
                inRed.setUp("lo");
                inBlue.addVeth(BLUE_LINK, RED_LINK, red);
                inBlue.addAddress(BLUE_LINK, BLUE_V4, 24);
                inBlue.addAddress(BLUE_LINK, BLUE_V6, 64, AddressOption.NO_DAD);
                inRed.addAddress(RED_LINK, RED_V4, 24);
                inRed.addAddress(RED_LINK, RED_V6, 64, AddressOption.NO_DAD);
                inBlue.setUp(BLUE_LINK);
                inRed.setUp(RED_LINK);
            }
            return new Topology(blue, red);
        } catch (RuntimeException | Error e) {
            closeQuietly(blue);
            closeQuietly(red);
            deleteAll();
            throw e;
        }
    }

    /** Deletes the demo's namespaces, including any left by an earlier interrupted run; returns their names. */
    static List<String> deleteAll() {
        List<String> deleted = new java.util.ArrayList<>();
        for (String name : NetNS.listNamed()) {
            if (name.startsWith(PREFIX)) {
                try {
                    NetNS.deleteNamed(name);
                    deleted.add(name);
                } catch (NetNSException alreadyGone) {
                    // another cleanup (the shutdown hook, or finally) got there first
                }
            }
        }
        return deleted;
    }

    /** Closes the handles; the namespaces stay until {@link #deleteAll()}. */
    @Override
    public void close() {
        closeQuietly(blue);
        closeQuietly(red);
    }

    private static void closeQuietly(NetNS ns) {
        if (ns != null) {
            ns.close();
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(literal, impossible);
        }
    }
}
