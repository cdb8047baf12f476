package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/** Encodes {@code RTM_*ROUTE} requests and decodes the kernel's route messages into {@link Route}s. */
final class RouteMessages {
    private RouteMessages() {}

    static MessageWriter dump(int family) {
        return new MessageWriter(Rtnl.RTM_GETROUTE, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP)
                .rtmsg(family, 0, 0, 0, 0, 0);
    }

    /**
     * Adds {@code spec} to the main table as {@code ip route add} does (with protocol static: it was
     * configured, not learnt), or deletes it as {@code ip route del} does: scope nowhere and type
     * unspecified match any route with the given destination, gateway and device.
     *
     * @param linkIndex the index of {@code spec}'s device, or 0 if it names none
     */
    static MessageWriter change(boolean add, RouteSpec spec, int linkIndex) {
        int type = add ? Rtnl.RTM_NEWROUTE : Rtnl.RTM_DELROUTE;
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (add ? Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL : 0);
        int family = spec.isIpv4() ? Rtnl.AF_INET : Rtnl.AF_INET6;
        int scope = !add ? Rtnl.RT_SCOPE_NOWHERE
                : spec.gateway().isEmpty() && spec.isIpv4() ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE;
        MessageWriter m = new MessageWriter(type, flags).rtmsg(family, spec.prefixLength(), Rtnl.RT_TABLE_MAIN,
                add ? Rtnl.RTPROT_STATIC : 0, scope, add ? Rtnl.RTN_UNICAST : Rtnl.RTN_UNSPEC);
        if (spec.prefixLength() > 0) {
            m.attribute(Rtnl.RTA_DST, spec.destination().getAddress());
        }
        spec.gateway().ifPresent(g -> m.attribute(Rtnl.RTA_GATEWAY, g.getAddress()));
        if (linkIndex > 0) {
            m.attributeU32(Rtnl.RTA_OIF, linkIndex);
        }
        return m;
    }

    /** Decodes an {@code RTM_NEWROUTE} message of family IPv4 or IPv6; others, and cache clones, are skipped. */
    static Optional<Route> decode(Message m) {
        if (m.type() != Rtnl.RTM_NEWROUTE) {
            return Optional.empty();
        }
        ByteBuffer header = m.header(Rtnl.SIZEOF_RTMSG);
        int family = Byte.toUnsignedInt(header.get(0));
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            return Optional.empty();
        }
        int dstLength = Byte.toUnsignedInt(header.get(1));
        int table = Byte.toUnsignedInt(header.get(4));
        int protocol = Byte.toUnsignedInt(header.get(5));
        int scope = Byte.toUnsignedInt(header.get(6));
        int type = Byte.toUnsignedInt(header.get(7));
        int flags = header.getInt(8);
        if ((flags & Rtnl.RTM_F_CLONED) != 0) {
            return Optional.empty();
        }
        Attributes attributes = m.attributesAfter(Rtnl.SIZEOF_RTMSG);
        // rtm_table is 8 bits; RTA_TABLE carries table ids above 255.
        table = attributes.u32(Rtnl.RTA_TABLE).orElse(table);
        InetAddress destination = attributes.address(Rtnl.RTA_DST).orElseGet(() -> unspecified(family));
        if ((destination instanceof Inet4Address) != (family == Rtnl.AF_INET)) {
            throw new MalformedMessageException("route of family " + family + " has a destination of another family");
        }
        Optional<InetAddress> gateway = attributes.address(Rtnl.RTA_GATEWAY);
        OptionalInt link = attributes.u32(Rtnl.RTA_OIF);
        OptionalInt metric = attributes.u32(Rtnl.RTA_PRIORITY);
        Optional<InetAddress> source = attributes.address(Rtnl.RTA_PREFSRC);
        return Optional.of(new Route(destination, dstLength, gateway, link, table, protocol, scope, type, metric,
                source));
    }

    private static InetAddress unspecified(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == Rtnl.AF_INET ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
