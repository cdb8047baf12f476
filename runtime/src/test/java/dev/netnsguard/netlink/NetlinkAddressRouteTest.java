package dev.netnsguard.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Addresses and routes in a namespace the test creates, checked against {@code ip -j addr show},
 * {@code ip -j route show} and {@code ip -6 -j route show}. The links are a veth pair inside the
 * namespace (both ends up, so they have a carrier); addresses come from 198.51.100.0/24 and 2001:db8::/32.
 */
class NetlinkAddressRouteTest extends BlueNamespace {
    @BeforeEach
    void addVethPair() {
        nl.addVeth("v0", "v0p");
        nl.setUp("v0");
        nl.setUp("v0p");
    }

    @Test
    void listsTheAddressesIpLists() {
        Oracle.assertAddressesMatch(nl, ns);
        nl.setUp("lo");
        Ip.exec(ns, "addr", "add", "198.51.100.7/24", "dev", "v0p");
        Ip.exec(ns, "addr", "add", "2001:db8::7/64", "dev", "v0p", "nodad");
        Oracle.assertAddressesMatch(nl, ns);
        assertTrue(nl.addresses().stream().anyMatch(a -> a.address().isLoopbackAddress() && a.scopeName().equals("host")));
    }

    @Test
    void addsAndDeletesIpv4Addresses() {
        InetAddress a = ip("198.51.100.1");
        nl.addAddress("v0", a, 24);
        assertTrue(Oracle.ipAddresses(ns).contains(index("v0") + " inet 198.51.100.1/24 scope global"));
        Oracle.assertAddressesMatch(nl, ns);
        List<Address> onV0 = nl.addresses("v0");
        assertTrue(onV0.contains(new Address(index("v0"), a, 24, 0, onV0.stream()
                .filter(x -> x.address().equals(a)).findFirst().orElseThrow().flags())));
        assertEquals(Set.of(), nl.addresses("v0p").stream().filter(x -> x.family() == StandardProtocolFamily.INET)
                .collect(Collectors.toSet()));

        nl.deleteAddress("v0", a, 24);
        assertFalse(Oracle.ipAddresses(ns).contains(index("v0") + " inet 198.51.100.1/24 scope global"));
        Oracle.assertAddressesMatch(nl, ns);
    }

    @Test
    void addsAndDeletesIpv6Addresses() {
        InetAddress a = ip("2001:db8::1");
        nl.addAddress("v0", a, 64, AddressOption.NO_DAD);
        String line = index("v0") + " inet6 " + a.getHostAddress() + "/64 scope global";
        assertTrue(Oracle.ipAddresses(ns).contains(line), () -> Oracle.ipAddresses(ns).toString());
        Address added = nl.addresses("v0").stream().filter(x -> x.address().equals(a)).findFirst().orElseThrow();
        assertEquals(64, added.prefixLength());
        assertEquals(StandardProtocolFamily.INET6, added.family());
        assertFalse(added.isTentative(), "NO_DAD skips duplicate address detection");
        Oracle.assertAddressesMatch(nl, ns);

        nl.deleteAddress("v0", a, 64);
        assertFalse(Oracle.ipAddresses(ns).contains(line));
        Oracle.assertAddressesMatch(nl, ns);
    }

    @Test
    void aNewIpv6AddressWithDadIsListedAsIpListsIt() {
        // Tentative or not depends on timing; only agreement with ip (read in the same state) is checked.
        nl.addAddress("v0", ip("2001:db8::5"), 64);
        Oracle.assertAddressesMatch(nl, ns);
    }

    @Test
    void listsTheRoutesIpLists() {
        Oracle.assertRoutesMatch(nl, ns);
        Ip.exec(ns, "addr", "add", "198.51.100.1/24", "dev", "v0");
        Ip.exec(ns, "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad");
        Ip.exec(ns, "route", "add", "default", "via", "198.51.100.254");
        Ip.exec(ns, "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::2");
        Oracle.assertRoutesMatch(nl, ns);
    }

    @Test
    void addsAndDeletesIpv4Routes() {
        nl.addAddress("v0", ip("198.51.100.1"), 24);
        RouteSpec defaultRoute = RouteSpec.defaultRoute(StandardProtocolFamily.INET).via(ip("198.51.100.254"));
        RouteSpec viaGateway = RouteSpec.to(ip("198.51.100.128"), 25).via(ip("198.51.100.2"));
        RouteSpec onDevice = RouteSpec.to(ip("198.51.100.64"), 26).dev("v0p");
        nl.addRoute(defaultRoute);
        nl.addRoute(viaGateway);
        nl.addRoute(onDevice);

        Set<String> ip = Oracle.ipRoutes(ns);
        assertTrue(ip.contains("0.0.0.0/0 via 198.51.100.254 dev v0 type unicast"), ip::toString);
        assertTrue(ip.contains("198.51.100.128/25 via 198.51.100.2 dev v0 type unicast"), ip::toString);
        assertTrue(ip.contains("198.51.100.64/26 via - dev v0p type unicast"), ip::toString);
        Oracle.assertRoutesMatch(nl, ns);

        Route listed = nl.routes(StandardProtocolFamily.INET).stream().filter(Route::isDefault).findFirst().orElseThrow();
        assertEquals(Optional.of(ip("198.51.100.254")), listed.gateway());
        assertEquals(OptionalInt.of(index("v0")), listed.linkIndex());
        assertEquals(254, listed.table());

        nl.deleteRoute(defaultRoute);
        nl.deleteRoute(viaGateway);
        nl.deleteRoute(onDevice);
        ip = Oracle.ipRoutes(ns);
        assertEquals(Set.of("198.51.100.0/24 via - dev v0 type unicast"), ip.stream()
                .filter(r -> r.startsWith("198") || r.startsWith("0.")).collect(Collectors.toSet()));
        Oracle.assertRoutesMatch(nl, ns);
    }

    @Test
    void addsAndDeletesIpv6Routes() {
        nl.addAddress("v0", ip("2001:db8::1"), 64, AddressOption.NO_DAD);
        RouteSpec defaultRoute = RouteSpec.defaultRoute(StandardProtocolFamily.INET6).via(ip("2001:db8::ff"));
        RouteSpec viaGateway = RouteSpec.to(ip("2001:db8:1::"), 64).via(ip("2001:db8::2"));
        RouteSpec onDevice = RouteSpec.to(ip("2001:db8:2::"), 64).dev("v0p");
        nl.addRoute(defaultRoute);
        nl.addRoute(viaGateway);
        nl.addRoute(onDevice);

        Set<String> ip = Oracle.ipRoutes(ns);
        String any = ip("::").getHostAddress();
        assertTrue(ip.contains(any + "/0 via " + ip("2001:db8::ff").getHostAddress() + " dev v0 type unicast"),
                ip::toString);
        assertTrue(ip.contains(ip("2001:db8:1::").getHostAddress() + "/64 via " + ip("2001:db8::2").getHostAddress()
                + " dev v0 type unicast"), ip::toString);
        assertTrue(ip.contains(ip("2001:db8:2::").getHostAddress() + "/64 via - dev v0p type unicast"), ip::toString);
        Oracle.assertRoutesMatch(nl, ns);
        assertTrue(nl.routes(StandardProtocolFamily.INET6).stream().anyMatch(Route::isDefault));
        assertTrue(nl.routes(StandardProtocolFamily.INET).stream().noneMatch(Route::isDefault));

        nl.deleteRoute(defaultRoute);
        nl.deleteRoute(viaGateway);
        nl.deleteRoute(onDevice);
        assertTrue(nl.routes(StandardProtocolFamily.INET6).stream().noneMatch(Route::isDefault));
        Oracle.assertRoutesMatch(nl, ns);
    }

    @Test
    void aDuplicateRouteOrAddressIsAnExistsError() {
        nl.addAddress("v0", ip("198.51.100.1"), 24);
        NetlinkExistsException address = assertThrows(NetlinkExistsException.class,
                () -> nl.addAddress("v0", ip("198.51.100.1"), 24));
        assertEquals("EEXIST", address.errnoName());
        RouteSpec route = RouteSpec.to(ip("198.51.100.64"), 26).dev("v0");
        nl.addRoute(route);
        NetlinkExistsException duplicate = assertThrows(NetlinkExistsException.class,
                () -> nl.addRoute(route));
        assertTrue(duplicate.getMessage().startsWith("add route 198.51.100.64/26 dev v0 in " + ns
                + ": EEXIST (File exists)"), duplicate.getMessage());
    }

    @Test
    void deletingWhatIsNotThereNamesTheKernelsErrno() {
        NetlinkException address = assertThrows(NetlinkException.class,
                () -> nl.deleteAddress("v0", ip("198.51.100.9"), 24));
        assertEquals("EADDRNOTAVAIL", address.errnoName(), address.getMessage());
        NetlinkException route = assertThrows(NetlinkException.class,
                () -> nl.deleteRoute(RouteSpec.to(ip("198.51.100.64"), 26)));
        assertEquals("ESRCH", route.errnoName(), route.getMessage());
    }

    private int index(String link) {
        return nl.link(link).index();
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
