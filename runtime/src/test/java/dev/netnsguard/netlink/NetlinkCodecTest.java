package dev.netnsguard.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netnsguard.internal.linux.LibC;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder and decoder alone, on bytes built by hand or by the writer: no socket, no kernel. */
class NetlinkCodecTest {

    @Test
    void theHeaderCarriesLengthTypeFlagsSequenceAndPort() {
        byte[] bytes = new MessageWriter(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK)
                .ifinfomsg(0, 0, 7, 0, 0).toBytes(42, 1234);
        ByteBuffer b = wrap(bytes);
        assertEquals(32, bytes.length);
        assertEquals(32, b.getInt(0));
        assertEquals(Rtnl.RTM_GETLINK, b.getShort(4));
        assertEquals(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, b.getShort(6));
        assertEquals(42, b.getInt(8));
        assertEquals(1234, b.getInt(12));
        assertEquals(7, b.getInt(16 + 4), "ifi_index");
    }

    @Test
    void attributesAreFourByteAlignedWithZeroPaddingAndUnpaddedLengths() {
        byte[] bytes = new MessageWriter(Rtnl.RTM_NEWLINK, 0)
                .attributeString(Rtnl.IFLA_IFNAME, "ab")        // 4 + "ab\0" = 7, padded to 8
                .attributeU8(Rtnl.IFLA_OPERSTATE, 6)              // 5, padded to 8
                .attributeU32(Rtnl.IFLA_MTU, 1500)                // 8
                .toBytes(1, 0);
        ByteBuffer b = wrap(bytes);
        assertEquals(16 + 8 + 8 + 8, bytes.length);
        assertEquals(7, b.getShort(16));
        assertEquals(Rtnl.IFLA_IFNAME, b.getShort(18));
        assertArrayEquals(new byte[] {'a', 'b', 0, 0}, Arrays.copyOfRange(bytes, 20, 24));
        assertEquals(5, b.getShort(24));
        assertArrayEquals(new byte[] {6, 0, 0, 0}, Arrays.copyOfRange(bytes, 28, 32));
        assertEquals(8, b.getShort(32));
        assertEquals(1500, b.getInt(36));

        Attributes a = Message.parseAll(b).get(0).attributesAfter(0);
        assertEquals(Optional.of("ab"), a.string(Rtnl.IFLA_IFNAME));
        assertEquals(OptionalInt.of(6), a.u8(Rtnl.IFLA_OPERSTATE));
        assertEquals(OptionalInt.of(1500), a.u32(Rtnl.IFLA_MTU));
        assertFalse(a.has(Rtnl.IFLA_MASTER));
        assertEquals(OptionalInt.empty(), a.u32(Rtnl.IFLA_MASTER));
    }

    @Test
    void aVethRequestNestsThePeerWithItsOwnHeaderAndNamespaceFd() {
        byte[] bytes = LinkMessages.createVeth("veth0", "veth1", 9).toBytes(3, 0);
        Message m = Message.parseAll(wrap(bytes)).get(0);
        assertEquals(Rtnl.RTM_NEWLINK, m.type());
        assertEquals(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL, m.flags());
        Attributes top = m.attributesAfter(Rtnl.SIZEOF_IFINFOMSG);
        assertEquals(Optional.of("veth0"), top.string(Rtnl.IFLA_IFNAME));
        Attributes linkInfo = top.nested(Rtnl.IFLA_LINKINFO);
        assertEquals(Optional.of("veth"), linkInfo.string(Rtnl.IFLA_INFO_KIND));
        ByteBuffer peer = linkInfo.nested(Rtnl.IFLA_INFO_DATA).raw(Rtnl.VETH_INFO_PEER).orElseThrow();
        assertEquals(Rtnl.SIZEOF_IFINFOMSG + 12 + 8, peer.remaining(), "ifinfomsg + IFNAME(veth1) + NET_NS_FD");
        Attributes peerAttributes = Attributes.parse(peer.position(Rtnl.SIZEOF_IFINFOMSG).slice());
        assertEquals(Optional.of("veth1"), peerAttributes.string(Rtnl.IFLA_IFNAME));
        assertEquals(OptionalInt.of(9), peerAttributes.u32(Rtnl.IFLA_NET_NS_FD));

        ByteBuffer b = wrap(bytes);
        int linkInfoAt = 16 + 16 + 12;   // header, ifinfomsg, IFLA_IFNAME "veth0\0" padded
        int linkInfoLength = b.getShort(linkInfoAt);
        assertEquals(bytes.length - linkInfoAt, linkInfoLength, "the outermost nest runs to the end");
        assertEquals(0, linkInfoLength % 4);
    }

    @Test
    void theNestedAndByteOrderFlagsAreNotPartOfTheType() {
        byte[] bytes = new byte[8];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putShort((short) 8)
                .putShort((short) (0x8000 | Rtnl.IFLA_MTU)).putInt(9000);
        assertEquals(OptionalInt.of(9000), Attributes.parse(wrap(bytes)).u32(Rtnl.IFLA_MTU));
    }

    @Test
    void severalMessagesInOneDatagramAreSplit() {
        byte[] first = new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_MULTI).attributeString(3, "a").toBytes(5, 6);
        byte[] second = new MessageWriter(Rtnl.NLMSG_DONE, Rtnl.NLM_F_MULTI).u32(0).toBytes(5, 6);
        byte[] both = concat(first, second);
        List<Message> messages = Message.parseAll(wrap(both));
        assertEquals(2, messages.size());
        assertEquals(Rtnl.RTM_NEWLINK, messages.get(0).type());
        assertEquals(Rtnl.NLMSG_DONE, messages.get(1).type());
        assertEquals(5, messages.get(1).sequence());
        assertEquals(6, messages.get(1).portId());
        assertEquals(new KernelError(0, null), KernelError.parseDone(messages.get(1)));
    }

    @Test
    void truncatedOrLyingLengthsAreMalformedNotOutOfBounds() {
        assertMalformed(new byte[10], "header shorter than 16 bytes");
        byte[] claimsTooMuch = new MessageWriter(Rtnl.RTM_NEWLINK, 0).toBytes(1, 0);
        wrap(claimsTooMuch).putInt(0, 64);
        assertMalformed(claimsTooMuch, "nlmsg_len past the end");
        byte[] claimsTooLittle = new MessageWriter(Rtnl.RTM_NEWLINK, 0).toBytes(1, 0);
        wrap(claimsTooLittle).putInt(0, 8);
        assertMalformed(claimsTooLittle, "nlmsg_len below the header size");
        byte[] negative = new MessageWriter(Rtnl.RTM_NEWLINK, 0).toBytes(1, 0);
        wrap(negative).putInt(0, -1);
        assertMalformed(negative, "nlmsg_len huge");

        assertThrows(MalformedMessageException.class, () -> Attributes.parse(wrap(new byte[] {8, 0, 3})));
        byte[] shortAttribute = new byte[4];
        wrap(shortAttribute).putShort((short) 2).putShort((short) 3);
        assertThrows(MalformedMessageException.class, () -> Attributes.parse(wrap(shortAttribute)));
        byte[] longAttribute = new byte[8];
        wrap(longAttribute).putShort((short) 12).putShort((short) 3);
        assertThrows(MalformedMessageException.class, () -> Attributes.parse(wrap(longAttribute)));

        Attributes twoBytes = Message.parseAll(wrap(new MessageWriter(1, 0).attribute(Rtnl.IFLA_MTU, new byte[2])
                .toBytes(1, 0))).get(0).attributesAfter(0);
        assertThrows(MalformedMessageException.class, () -> twoBytes.u32(Rtnl.IFLA_MTU));
        Attributes fiveBytes = Message.parseAll(wrap(new MessageWriter(1, 0).attribute(Rtnl.RTA_DST, new byte[5])
                .toBytes(1, 0))).get(0).attributesAfter(0);
        assertThrows(MalformedMessageException.class, () -> fiveBytes.address(Rtnl.RTA_DST));

        Message headerOnly = Message.parseAll(wrap(new MessageWriter(Rtnl.RTM_NEWLINK, 0).u32(0).toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> LinkMessages.decode(headerOnly), "ifinfomsg cut short");
        assertThrows(MalformedMessageException.class, () -> headerOnly.attributesAfter(Rtnl.SIZEOF_IFINFOMSG));
    }

    @Test
    void everyTruncationAndRandomCorruptionOfAReplyFailsCleanly() {
        byte[] valid = link(3, "veth0", "veth", 1500, 6, 2).toBytes(1, 0);
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            wrap(cut);
            decodeOrMalformed(cut);
        }
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] corrupt = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
            }
            decodeOrMalformed(corrupt);
        }
    }

    @Test
    void aLinkMessageDecodes() {
        Message m = Message.parseAll(wrap(link(3, "veth0", "veth", 1400, 6, 5).toBytes(1, 0))).get(0);
        Link link = LinkMessages.decode(m).orElseThrow();
        assertEquals(3, link.index());
        assertEquals("veth0", link.name());
        assertEquals(Optional.of("veth"), link.kind());
        assertEquals("ether", link.typeName());
        assertTrue(link.isUp());
        assertTrue(link.hasCarrier());
        assertEquals(OperState.UP, link.operState());
        assertEquals(1400, link.mtu());
        assertEquals(Optional.of("02:00:5e:10:00:ff"), link.macAddress());
        assertEquals(OptionalInt.of(5), link.masterIndex());

        Message noName = Message.parseAll(wrap(new MessageWriter(Rtnl.RTM_NEWLINK, 0).ifinfomsg(0, 1, 3, 0, 0)
                .toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> LinkMessages.decode(noName));
        Message other = Message.parseAll(wrap(new MessageWriter(Rtnl.RTM_NEWADDR, 0).toBytes(1, 0))).get(0);
        assertEquals(Optional.empty(), LinkMessages.decode(other));
    }

    @Test
    void anAddressMessageDecodesPreferringLocalAndTheFullFlags() throws Exception {
        byte[] bytes = new MessageWriter(Rtnl.RTM_NEWADDR, 0).ifaddrmsg(Rtnl.AF_INET6, 64, 0, 0, 4)
                .attribute(Rtnl.IFA_ADDRESS, InetAddress.getByName("2001:db8::9").getAddress())
                .attribute(Rtnl.IFA_LOCAL, InetAddress.getByName("2001:db8::1").getAddress())
                .attributeU32(Rtnl.IFA_FLAGS, Rtnl.IFA_F_TENTATIVE | 0x100)
                .toBytes(1, 0);
        Address a = AddressMessages.decode(Message.parseAll(wrap(bytes)).get(0)).orElseThrow();
        assertEquals(new Address(4, InetAddress.getByName("2001:db8::1"), 64, 0, Rtnl.IFA_F_TENTATIVE | 0x100), a);
        assertTrue(a.isTentative());
        assertEquals("global", a.scopeName());
    }

    @Test
    void aRouteMessageDecodesWithTheLongTableIdAndSkipsCacheClones() throws Exception {
        MessageWriter w = new MessageWriter(Rtnl.RTM_NEWROUTE, 0)
                .rtmsg(Rtnl.AF_INET, 24, 252, Rtnl.RTPROT_STATIC, Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST)
                .attribute(Rtnl.RTA_DST, InetAddress.getByName("198.51.100.0").getAddress())
                .attribute(Rtnl.RTA_GATEWAY, InetAddress.getByName("198.51.100.1").getAddress())
                .attributeU32(Rtnl.RTA_OIF, 2)
                .attributeU32(Rtnl.RTA_TABLE, 1000);
        Route r = RouteMessages.decode(Message.parseAll(wrap(w.toBytes(1, 0))).get(0)).orElseThrow();
        assertEquals(InetAddress.getByName("198.51.100.0"), r.destination());
        assertEquals(24, r.prefixLength());
        assertEquals(Optional.of(InetAddress.getByName("198.51.100.1")), r.gateway());
        assertEquals(OptionalInt.of(2), r.linkIndex());
        assertEquals(1000, r.table());
        assertFalse(r.isDefault());

        byte[] defaultRoute = new MessageWriter(Rtnl.RTM_NEWROUTE, 0)
                .rtmsg(Rtnl.AF_INET6, 0, 254, 3, 0, 1).toBytes(1, 0);
        Route d = RouteMessages.decode(Message.parseAll(wrap(defaultRoute)).get(0)).orElseThrow();
        assertTrue(d.isDefault());
        assertEquals(InetAddress.getByName("::"), d.destination());

        byte[] cloned = new MessageWriter(Rtnl.RTM_NEWROUTE, 0).u8(Rtnl.AF_INET6).u8(0).u8(0).u8(0)
                .u8(254).u8(2).u8(0).u8(1).u32(Rtnl.RTM_F_CLONED).toBytes(1, 0);
        assertEquals(Optional.empty(), RouteMessages.decode(Message.parseAll(wrap(cloned)).get(0)));
    }

    @Test
    void kernelErrorsAndAcksParseWithTheirExtendedAckText() {
        // A capped error: errno, the request's header only, then NLMSGERR_ATTR_MSG.
        MessageWriter w = new MessageWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED | Rtnl.NLM_F_ACK_TLVS)
                .u32(-LibC.EEXIST).u32(32).u16(Rtnl.RTM_NEWLINK).u16(5).u32(7).u32(8)
                .attributeString(Rtnl.NLMSGERR_ATTR_MSG, "Link already exists");
        Message m = Message.parseAll(wrap(w.toBytes(7, 8))).get(0);
        assertEquals(new KernelError(LibC.EEXIST, "Link already exists"), KernelError.parse(m));

        Message ack = Message.parseAll(wrap(new MessageWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED)
                .u32(0).u32(32).u32(0).u32(7).u32(8).toBytes(7, 8))).get(0);
        assertEquals(new KernelError(0, null), KernelError.parse(ack));

        Message truncated = Message.parseAll(wrap(new MessageWriter(Rtnl.NLMSG_ERROR, 0).u32(-1).toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> KernelError.parse(truncated));
        Message positive = Message.parseAll(wrap(new MessageWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED)
                .u32(5).u32(16).u32(0).u32(0).u32(0).toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> KernelError.parse(positive));
        Message lyingEcho = Message.parseAll(wrap(new MessageWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_ACK_TLVS)
                .u32(-1).u32(4000).u32(0).u32(0).u32(0).toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> KernelError.parse(lyingEcho));
        Message hugeEcho = Message.parseAll(wrap(new MessageWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_ACK_TLVS)
                .u32(-1).u32(Integer.MAX_VALUE).u32(0).u32(0).u32(0).toBytes(1, 0))).get(0);
        assertThrows(MalformedMessageException.class, () -> KernelError.parse(hugeEcho));
    }

    @Test
    void errnosMapToTypedExceptionsWithTheMessageFormat() {
        NetlinkException exists = NetlinkException.of("add link veth0", "blue", LibC.EEXIST, null);
        assertTrue(exists instanceof NetlinkExistsException);
        assertEquals("add link veth0 in blue: EEXIST (File exists)", exists.getMessage());
        assertTrue(NetlinkException.of("x", "blue", LibC.ENODEV, null) instanceof NoSuchLinkException);
        assertTrue(NetlinkException.of("x", "blue", LibC.EPERM, null) instanceof NetlinkPermissionException);
        assertTrue(NetlinkException.of("x", "blue", LibC.EACCES, null) instanceof NetlinkPermissionException);
        NetlinkException other = NetlinkException.of("set link lo mtu 70", "blue", LibC.EINVAL, "MTU too big");
        assertEquals(NetlinkException.class, other.getClass());
        assertEquals("set link lo mtu 70 in blue: EINVAL (Invalid argument) (kernel: MTU too big)", other.getMessage());
        assertEquals(Optional.of("MTU too big"), other.kernelMessage());
        assertEquals("EINVAL", other.errnoName());
        NetlinkProtocolException protocol = new NetlinkProtocolException("list links", "blue", "malformed reply: x");
        assertEquals("list links in blue: malformed reply: x", protocol.getMessage());
        assertEquals(0, protocol.errno());
        assertEquals("", protocol.errnoName());
    }

    @Test
    void interfaceNamesFollowTheKernelsRule() {
        for (String good : new String[] {"lo", "veth0", "a", "fifteen-bytes-x", "br-1.2_x@y"}) {
            assertEquals(good, InterfaceNames.check(good));
        }
        for (String bad : new String[] {"", "sixteen-bytes-xx", "a/b", "a b", "a:b", ".", "..", "a\u0000b", "a\u00a0b"}) {
            assertThrows(IllegalArgumentException.class, () -> InterfaceNames.check(bad), bad);
        }
    }

    @Test
    void prefixLengthsAndNetworksAreChecked() throws Exception {
        Prefixes.checkLength(InetAddress.getByName("198.51.100.1"), 32);
        Prefixes.checkLength(InetAddress.getByName("2001:db8::1"), 128);
        Prefixes.checkNetwork(InetAddress.getByName("198.51.100.128"), 25);
        Prefixes.checkNetwork(InetAddress.getByName("2001:db8:1::"), 48);
        assertThrows(IllegalArgumentException.class, () -> Prefixes.checkNetwork(InetAddress.getByName("198.51.100.128"), 24));
        assertThrows(IllegalArgumentException.class, () -> Prefixes.checkLength(InetAddress.getByName("198.51.100.1"), 33));
        assertEquals("default via 198.51.100.1", RouteSpec.defaultRoute(StandardProtocolFamily.INET)
                .via(InetAddress.getByName("198.51.100.1")).toString());
        assertEquals("198.51.100.0/24 dev veth0", RouteSpec.to(InetAddress.getByName("198.51.100.0"), 24)
                .dev("veth0").toString());
    }

    private static MessageWriter link(int index, String name, String kind, int mtu, int operState, int master) {
        MessageWriter m = new MessageWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_MULTI)
                .ifinfomsg(0, 1, index, Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP, 0)
                .attributeString(Rtnl.IFLA_IFNAME, name)
                .attributeU32(Rtnl.IFLA_MTU, mtu)
                .attributeU8(Rtnl.IFLA_OPERSTATE, operState)
                .attribute(Rtnl.IFLA_ADDRESS, new byte[] {2, 0, 0x5e, 0x10, 0, (byte) 0xff})
                .attributeU32(Rtnl.IFLA_MASTER, master);
        int info = m.beginNested(Rtnl.IFLA_LINKINFO);
        m.attributeString(Rtnl.IFLA_INFO_KIND, kind);
        return m.endNested(info);
    }

    /** Decoding either works or fails with MalformedMessageException; anything else is a bug. */
    private static void decodeOrMalformed(byte[] bytes) {
        try {
            for (Message m : Message.parseAll(wrap(bytes))) {
                LinkMessages.decode(m);
                AddressMessages.decode(new Message(Rtnl.RTM_NEWADDR, 0, 0, 0, m.payload()));
                RouteMessages.decode(new Message(Rtnl.RTM_NEWROUTE, 0, 0, 0, m.payload()));
                KernelError.parse(new Message(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_ACK_TLVS, 0, 0, m.payload()));
            }
        } catch (MalformedMessageException expected) {
            // the clean failure
        }
    }

    private static void assertMalformed(byte[] datagram, String what) {
        assertThrows(MalformedMessageException.class, () -> Message.parseAll(wrap(datagram)), what);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
