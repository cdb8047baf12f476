package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Encodes {@code RTM_*ADDR} requests and decodes the kernel's address messages into {@link Address}es. */
final class AddressMessages {
    private AddressMessages() {}

    static MessageWriter dump() {
        return new MessageWriter(Rtnl.RTM_GETADDR, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP)
                .ifaddrmsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0);
    }

    /**
     * Adds (or with {@code add} false deletes) {@code address/prefixLength} on link {@code index}.
     * As {@code ip addr add} does, the address goes in both IFA_LOCAL and IFA_ADDRESS (they differ
     * only for point-to-point peers) and a loopback address gets host scope.
     */
    static MessageWriter change(boolean add, int index, InetAddress address, int prefixLength, boolean noDad) {
        int type = add ? Rtnl.RTM_NEWADDR : Rtnl.RTM_DELADDR;
        int flags = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | (add ? Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL : 0);
        int family = address instanceof Inet4Address ? Rtnl.AF_INET : Rtnl.AF_INET6;
        int scope = address.isLoopbackAddress() ? Rtnl.RT_SCOPE_HOST : Rtnl.RT_SCOPE_UNIVERSE;
        int addressFlags = add && noDad ? Rtnl.IFA_F_NODAD : 0;
        MessageWriter m = new MessageWriter(type, flags)
                .ifaddrmsg(family, prefixLength, addressFlags, scope, index)
                .attribute(Rtnl.IFA_LOCAL, address.getAddress())
                .attribute(Rtnl.IFA_ADDRESS, address.getAddress());
        if (addressFlags != 0) {
            m.attributeU32(Rtnl.IFA_FLAGS, addressFlags);
        }
        return m;
    }

    /** Decodes an {@code RTM_NEWADDR} message of family IPv4 or IPv6; others are skipped (empty). */
    static Optional<Address> decode(Message m) {
        if (m.type() != Rtnl.RTM_NEWADDR) {
            return Optional.empty();
        }
        ByteBuffer header = m.header(Rtnl.SIZEOF_IFADDRMSG);
        int family = Byte.toUnsignedInt(header.get(0));
        if (family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
            return Optional.empty();
        }
        int prefixLength = Byte.toUnsignedInt(header.get(1));
        int flags = Byte.toUnsignedInt(header.get(2));
        int scope = Byte.toUnsignedInt(header.get(3));
        int index = header.getInt(4);
        Attributes attributes = m.attributesAfter(Rtnl.SIZEOF_IFADDRMSG);
        // The 8-bit ifa_flags cannot hold newer flags; IFA_FLAGS, where present, has all of them.
        flags = attributes.u32(Rtnl.IFA_FLAGS).orElse(flags);
        // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer on point-to-point links.
        InetAddress address = attributes.address(Rtnl.IFA_LOCAL)
                .or(() -> attributes.address(Rtnl.IFA_ADDRESS))
                .orElseThrow(() -> new MalformedMessageException("address on link " + index + " has no IFA_LOCAL"
                        + " or IFA_ADDRESS"));
        return Optional.of(new Address(index, address, prefixLength, scope, flags));
    }
}
