package dev.netnsguard.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the {@code nlmsghdr}, a fixed family header ({@code ifinfomsg},
 * {@code ifaddrmsg}, {@code rtmsg}) and route attributes, nested ones included. Every attribute
 * starts on a 4-byte boundary and its padding is zeroed; the length fields are filled in as the
 * message grows, so a message is well formed whenever {@link #toBytes} is called.
 *
 * <p>Numbers are written in native byte order, as the kernel reads them. Not thread-safe; one
 * writer builds one message.
 */
final class MessageWriter {
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    /** Starts a message of {@code type} (an {@code RTM_*} value) with {@code flags} ({@code NLM_F_*}). */
    MessageWriter(int type, int flags) {
        buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    MessageWriter u8(int value) {
        ensure(1).put((byte) value);
        return this;
    }

    MessageWriter u16(int value) {
        ensure(2).putShort((short) value);
        return this;
    }

    MessageWriter u32(int value) {
        ensure(4).putInt(value);
        return this;
    }

    /** Writes the raw {@code ifinfomsg} struct; used both as the message header and inside VETH_INFO_PEER. */
    MessageWriter ifinfomsg(int family, int type, int index, int flags, int change) {
        return u8(family).u8(0).u16(type).u32(index).u32(flags).u32(change);
    }

    MessageWriter ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        return u8(family).u8(prefixLength).u8(flags).u8(scope).u32(index);
    }

    MessageWriter rtmsg(int family, int dstLength, int table, int protocol, int scope, int type) {
        return u8(family).u8(dstLength).u8(0).u8(0).u8(table).u8(protocol).u8(scope).u8(type).u32(0);
    }

    /** An attribute holding {@code value} as is, padded to the next 4-byte boundary. */
    MessageWriter attribute(int type, byte[] value) {
        int length = Rtnl.NLA_HDRLEN + value.length;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("attribute " + type + " too long: " + value.length + " bytes");
        }
        pad();
        ensure(Rtnl.align(length)).putShort((short) length).putShort((short) type).put(value);
        pad();
        return this;
    }

    MessageWriter attributeU8(int type, int value) {
        return attribute(type, new byte[] {(byte) value});
    }

    MessageWriter attributeU32(int type, int value) {
        return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute, as the kernel expects for names and kinds. */
    MessageWriter attributeString(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, Arrays.copyOf(text, text.length + 1));
    }

    /**
     * Opens a nested attribute; everything written until {@link #endNested} with the returned mark
     * becomes its payload.
     */
    int beginNested(int type) {
        pad();
        int start = buffer.position();
        ensure(Rtnl.NLA_HDRLEN).putShort((short) 0).putShort((short) type);
        return start;
    }

    MessageWriter endNested(int mark) {
        pad();
        int length = buffer.position() - mark;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("nested attribute too long: " + length + " bytes");
        }
        buffer.putShort(mark, (short) length);
        return this;
    }

    /** The finished message with its length, sequence number and port id set. */
    byte[] toBytes(int sequence, int portId) {
        pad();
        int length = buffer.position();
        buffer.putInt(0, length);
        buffer.putInt(8, sequence);
        buffer.putInt(12, portId);
        return Arrays.copyOf(buffer.array(), length);
    }

    private void pad() {
        int padding = Rtnl.align(buffer.position()) - buffer.position();
        ensure(padding);
        for (int i = 0; i < padding; i++) {
            buffer.put((byte) 0);
        }
    }

    private ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes))
                    .order(ByteOrder.nativeOrder());
            buffer.flip();
            larger.put(buffer);
            buffer = larger;
        }
        return buffer;
    }
}
