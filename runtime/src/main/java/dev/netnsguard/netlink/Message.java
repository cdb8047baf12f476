package dev.netnsguard.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message of a received datagram: the {@code nlmsghdr} fields and its payload.
 *
 * @param type {@code nlmsg_type}
 * @param flags {@code nlmsg_flags}
 * @param sequence {@code nlmsg_seq}
 * @param portId {@code nlmsg_pid}
 * @param payload everything after the header, up to {@code nlmsg_len}; read-only, native byte order
 */
record Message(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    /**
     * Splits a datagram into its messages. A header or length that does not fit the datagram is
     * an error, never a read past the end.
     */
    static List<Message> parseAll(ByteBuffer datagram) {
        ByteBuffer in = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<Message> messages = new ArrayList<>();
        while (in.remaining() > 0) {
            int start = in.position();
            if (in.remaining() < Rtnl.NLMSG_HDRLEN) {
                throw new MalformedMessageException("truncated netlink header: " + in.remaining()
                        + " bytes left at offset " + start + ", need " + Rtnl.NLMSG_HDRLEN);
            }
            int length = in.getInt(start);
            if (length < Rtnl.NLMSG_HDRLEN || length > in.remaining()) {
                throw new MalformedMessageException("netlink message at offset " + start + " claims "
                        + Integer.toUnsignedString(length) + " bytes, " + in.remaining() + " left");
            }
            int type = Short.toUnsignedInt(in.getShort(start + 4));
            int flags = Short.toUnsignedInt(in.getShort(start + 6));
            int sequence = in.getInt(start + 8);
            int portId = in.getInt(start + 12);
            ByteBuffer payload = in.duplicate().position(start + Rtnl.NLMSG_HDRLEN).limit(start + length)
                    .slice().order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            messages.add(new Message(type, flags, sequence, portId, payload));
            in.position(Math.min(in.limit(), start + Rtnl.align(length)));
        }
        return messages;
    }

    /** A fresh view of the payload, positioned at its start. */
    ByteBuffer body() {
        return payload.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * The attributes that follow a fixed header of {@code headerSize} bytes ({@code ifinfomsg} and
     * the like).
     */
    Attributes attributesAfter(int headerSize) {
        ByteBuffer body = body();
        if (body.remaining() < headerSize) {
            throw new MalformedMessageException("message of type " + type + " has " + body.remaining()
                    + " payload bytes, its header needs " + headerSize);
        }
        return Attributes.parse(body.position(headerSize).slice().order(ByteOrder.nativeOrder()));
    }

    /** The family header's bytes, checked to be all there. */
    ByteBuffer header(int headerSize) {
        ByteBuffer body = body();
        if (body.remaining() < headerSize) {
            throw new MalformedMessageException("message of type " + type + " has " + body.remaining()
                    + " payload bytes, its header needs " + headerSize);
        }
        return body;
    }
}
