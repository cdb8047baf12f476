package dev.netnsguard.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/** Encodes {@code RTM_*LINK} requests and decodes the kernel's link messages into {@link Link}s. */
final class LinkMessages {
    private LinkMessages() {}

    static MessageWriter dump() {
        return new MessageWriter(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0);
    }

    static MessageWriter getByName(String name) {
        return new MessageWriter(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0)
                .attributeString(Rtnl.IFLA_IFNAME, name);
    }

    static MessageWriter getByIndex(int index) {
        return new MessageWriter(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, index, 0, 0);
    }

    /** A new link of {@code kind} without driver data (dummy, bridge). */
    static MessageWriter create(String name, String kind) {
        MessageWriter m = createHeader(name);
        int linkInfo = m.beginNested(Rtnl.IFLA_LINKINFO);
        m.attributeString(Rtnl.IFLA_INFO_KIND, kind);
        return m.endNested(linkInfo);
    }

    /**
     * A veth pair in one request, so the kernel creates both ends or neither. The peer is described
     * by an {@code ifinfomsg} and attributes of its own inside VETH_INFO_PEER; its
     * {@code IFLA_NET_NS_FD} puts it straight into the other namespace.
     *
     * @param peerNamespaceFd the fd of the peer's namespace, or -1 to keep it with the first end
     */
    static MessageWriter createVeth(String name, String peerName, int peerNamespaceFd) {
        MessageWriter m = createHeader(name);
        int linkInfo = m.beginNested(Rtnl.IFLA_LINKINFO);
        m.attributeString(Rtnl.IFLA_INFO_KIND, "veth");
        int data = m.beginNested(Rtnl.IFLA_INFO_DATA);
        int peer = m.beginNested(Rtnl.VETH_INFO_PEER);
        m.ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0);
        m.attributeString(Rtnl.IFLA_IFNAME, peerName);
        if (peerNamespaceFd >= 0) {
            m.attributeU32(Rtnl.IFLA_NET_NS_FD, peerNamespaceFd);
        }
        m.endNested(peer);
        m.endNested(data);
        return m.endNested(linkInfo);
    }

    private static MessageWriter createHeader(String name) {
        return new MessageWriter(Rtnl.RTM_NEWLINK,
                Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0)
                .attributeString(Rtnl.IFLA_IFNAME, name);
    }

    /** A change to the existing link {@code index}; add the attributes to change. */
    static MessageWriter change(int index, int flags, int changeMask) {
        return new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, index, flags, changeMask);
    }

    static MessageWriter delete(int index) {
        return new MessageWriter(Rtnl.RTM_DELLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK)
                .ifinfomsg(Rtnl.AF_UNSPEC, 0, index, 0, 0);
    }

    /** Decodes an {@code RTM_NEWLINK} message; other messages are skipped (empty). */
    static Optional<Link> decode(Message m) {
        if (m.type() != Rtnl.RTM_NEWLINK) {
            return Optional.empty();
        }
        ByteBuffer header = m.header(Rtnl.SIZEOF_IFINFOMSG);
        int type = Short.toUnsignedInt(header.getShort(2));
        int index = header.getInt(4);
        int flags = header.getInt(8);
        Attributes attributes = m.attributesAfter(Rtnl.SIZEOF_IFINFOMSG);
        String name = attributes.string(Rtnl.IFLA_IFNAME)
                .orElseThrow(() -> new MalformedMessageException("link " + index + " has no IFLA_IFNAME"));
        Optional<String> kind = attributes.nested(Rtnl.IFLA_LINKINFO).string(Rtnl.IFLA_INFO_KIND);
        OperState state = OperState.of(attributes.u8(Rtnl.IFLA_OPERSTATE).orElse(0));
        int mtu = attributes.u32(Rtnl.IFLA_MTU).orElse(0);
        Optional<String> mac = attributes.bytes(Rtnl.IFLA_ADDRESS).filter(a -> a.length > 0).map(LinkMessages::hex);
        OptionalInt master = attributes.u32(Rtnl.IFLA_MASTER);
        if (master.isPresent() && master.getAsInt() == 0) {
            master = OptionalInt.empty();
        }
        return Optional.of(new Link(index, name, kind, type, flags, state, mtu, mac, master));
    }

    private static String hex(byte[] address) {
        StringBuilder text = new StringBuilder(address.length * 3);
        for (byte b : address) {
            if (text.length() > 0) {
                text.append(':');
            }
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }
}
