package dev.netnsguard.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Compares what the client reports with what iproute2 reports for the same namespace, each reduced
 * to a sorted set of comparable lines so that a difference shows exactly which entry disagrees.
 */
final class Oracle {
    private Oracle() {}

    /** {@code ip -d -j link show}, one line per link. */
    static Set<String> ipLinks(String ns) {
        List<Map<String, Object>> links = Ip.json(ns, "-d", "link", "show");
        Map<Long, String> names = links.stream().collect(Collectors.toMap(
                l -> (Long) l.get("ifindex"), l -> (String) l.get("ifname")));
        Set<String> lines = new TreeSet<>();
        for (Map<String, Object> l : links) {
            @SuppressWarnings("unchecked")
            List<String> flags = (List<String>) l.get("flags");
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) l.getOrDefault("linkinfo", Map.of());
            lines.add(l.get("ifindex") + " " + l.get("ifname")
                    + " kind=" + info.getOrDefault("info_kind", "-")
                    + " type=" + l.get("link_type")
                    + " up=" + flags.contains("UP")
                    + " carrier=" + flags.contains("LOWER_UP")
                    + " oper=" + l.get("operstate")
                    + " mtu=" + l.get("mtu")
                    + " mac=" + l.getOrDefault("address", "-")
                    + " master=" + l.getOrDefault("master", "-"));
        }
        return lines;
    }

    /** The client's links in the form of {@link #ipLinks}. */
    static Set<String> clientLinks(List<Link> links) {
        Map<Integer, String> names = links.stream().collect(Collectors.toMap(Link::index, Link::name));
        Set<String> lines = new TreeSet<>();
        for (Link l : links) {
            lines.add(l.index() + " " + l.name()
                    + " kind=" + l.kind().orElse("-")
                    + " type=" + l.typeName()
                    + " up=" + l.isUp()
                    + " carrier=" + l.hasCarrier()
                    + " oper=" + l.operState()
                    + " mtu=" + l.mtu()
                    + " mac=" + l.macAddress().orElse("-")
                    + " master=" + (l.masterIndex().isPresent() ? names.get(l.masterIndex().getAsInt()) : "-"));
        }
        return lines;
    }

    /** {@code ip -j addr show}, one line per address. */
    static Set<String> ipAddresses(String ns) {
        Set<String> lines = new TreeSet<>();
        for (Map<String, Object> link : Ip.json(ns, "addr", "show")) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> infos = (List<Map<String, Object>>) link.getOrDefault("addr_info", List.of());
            for (Map<String, Object> a : infos) {
                lines.add(link.get("ifindex") + " " + a.get("family") + " " + normalize((String) a.get("local"))
                        + "/" + a.get("prefixlen") + " scope " + a.get("scope"));
            }
        }
        return lines;
    }

    static Set<String> clientAddresses(List<Address> addresses) {
        Set<String> lines = new TreeSet<>();
        for (Address a : addresses) {
            lines.add(a.linkIndex() + " " + (a.family() == StandardProtocolFamily.INET ? "inet" : "inet6")
                    + " " + a.address().getHostAddress() + "/" + a.prefixLength() + " scope " + a.scopeName());
        }
        return lines;
    }

    /** {@code ip -j route show} and {@code ip -6 -j route show}, one line per route. */
    static Set<String> ipRoutes(String ns) {
        Set<String> lines = new TreeSet<>();
        for (String family : List.of("-4", "-6")) {
            for (Map<String, Object> r : Ip.json(ns, family, "route", "show")) {
                String dst = (String) r.get("dst");
                String prefix;
                if (dst.equals("default")) {
                    prefix = family.equals("-4") ? "0.0.0.0/0" : normalize("::") + "/0";
                } else if (dst.contains("/")) {
                    prefix = normalize(dst.substring(0, dst.indexOf('/'))) + dst.substring(dst.indexOf('/'));
                } else {
                    prefix = normalize(dst) + (family.equals("-4") ? "/32" : "/128");
                }
                lines.add(prefix
                        + " via " + Optional.ofNullable((String) r.get("gateway")).map(Oracle::normalize).orElse("-")
                        + " dev " + r.getOrDefault("dev", "-")
                        + " type " + r.getOrDefault("type", "unicast"));
            }
        }
        return lines;
    }

    static Set<String> clientRoutes(List<Route> routes, List<Link> links) {
        Map<Integer, String> names = links.stream().collect(Collectors.toMap(Link::index, Link::name));
        Set<String> lines = new TreeSet<>();
        for (Route r : routes) {
            lines.add(r.destination().getHostAddress() + "/" + r.prefixLength()
                    + " via " + r.gateway().map(InetAddress::getHostAddress).orElse("-")
                    + " dev " + (r.linkIndex().isPresent() ? names.get(r.linkIndex().getAsInt()) : "-")
                    + " type " + (r.type() == 1 ? "unicast" : r.type() == 7 ? "unreachable" : "type" + r.type()));
        }
        return lines;
    }

    static void assertLinksMatch(Netlink nl, String ns) {
        assertAgree(() -> ipLinks(ns), () -> clientLinks(nl.links()), "links of " + ns);
    }

    static void assertAddressesMatch(Netlink nl, String ns) {
        assertAgree(() -> ipAddresses(ns), () -> clientAddresses(nl.addresses()), "addresses of " + ns);
    }

    static void assertRoutesMatch(Netlink nl, String ns) {
        assertAgree(() -> ipRoutes(ns), () -> clientRoutes(nl.routes(), nl.links()), "routes of " + ns);
    }

    /**
     * The kernel settles carrier, operstate and IPv6 link-local addresses and routes asynchronously
     * (linkwatch may take up to a second after a link goes up), so two reads a moment apart can see
     * two different states. Re-reading both until they agree, a bounded number of times, compares
     * states, never timing; a real disagreement still fails with both sides shown.
     */
    private static void assertAgree(Supplier<Set<String>> ip, Supplier<Set<String>> client, String what) {
        Set<String> expected = ip.get();
        Set<String> actual = client.get();
        for (int attempt = 0; attempt < 50 && !expected.equals(actual); attempt++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            expected = ip.get();
            actual = client.get();
        }
        assertEquals(expected, actual, what);
    }

    /** The form {@link InetAddress#getHostAddress} gives, so that ip's compressed IPv6 compares equal. */
    static String normalize(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError("not an address literal: " + literal, e);
        }
    }
}
