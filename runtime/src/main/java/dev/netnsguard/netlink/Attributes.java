package dev.netnsguard.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The route attributes ({@code struct rtattr}/{@code nlattr}) of a message or of a nested
 * attribute, by type. Each value is a read-only view of its payload (without padding). A length
 * that runs past the end, or a value shorter than its accessor reads, is a
 * {@link MalformedMessageException}. Where an attribute repeats, the last one wins, as in the kernel.
 */
final class Attributes {
    /** Attribute types carry two flag bits (nested, network byte order) that are not part of the type. */
    private static final int TYPE_MASK = 0x3FFF;

    private final Map<Integer, ByteBuffer> values;

    private Attributes(Map<Integer, ByteBuffer> values) {
        this.values = values;
    }

    static Attributes parse(ByteBuffer data) {
        ByteBuffer in = data.duplicate().order(ByteOrder.nativeOrder());
        Map<Integer, ByteBuffer> values = new LinkedHashMap<>();
        while (in.remaining() > 0) {
            int start = in.position();
            if (in.remaining() < Rtnl.NLA_HDRLEN) {
                throw new MalformedMessageException("truncated attribute header: " + in.remaining()
                        + " bytes left at offset " + start);
            }
            int length = Short.toUnsignedInt(in.getShort(start));
            int type = Short.toUnsignedInt(in.getShort(start + 2)) & TYPE_MASK;
            if (length < Rtnl.NLA_HDRLEN || length > in.remaining()) {
                throw new MalformedMessageException("attribute " + type + " at offset " + start + " claims "
                        + length + " bytes, " + in.remaining() + " left");
            }
            ByteBuffer value = in.duplicate().position(start + Rtnl.NLA_HDRLEN).limit(start + length).slice()
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            values.put(type, value);
            in.position(Math.min(in.limit(), start + Rtnl.align(length)));
        }
        return new Attributes(Collections.unmodifiableMap(values));
    }

    boolean has(int type) {
        return values.containsKey(type);
    }

    /** The raw payload of {@code type}, if present: a fresh read-only view. */
    Optional<ByteBuffer> raw(int type) {
        ByteBuffer value = values.get(type);
        return value == null ? Optional.empty() : Optional.of(value.duplicate().order(ByteOrder.nativeOrder()));
    }

    Optional<byte[]> bytes(int type) {
        return raw(type).map(value -> {
            byte[] copy = new byte[value.remaining()];
            value.get(copy);
            return copy;
        });
    }

    OptionalInt u8(int type) {
        return fixed(type, 1).map(v -> OptionalInt.of(Byte.toUnsignedInt(v.get(0)))).orElse(OptionalInt.empty());
    }

    OptionalInt u32(int type) {
        return fixed(type, 4).map(v -> OptionalInt.of(v.getInt(0))).orElse(OptionalInt.empty());
    }

    /** A string attribute; the kernel NUL-terminates them, but a missing terminator is tolerated. */
    Optional<String> string(int type) {
        return bytes(type).map(value -> {
            int end = 0;
            while (end < value.length && value[end] != 0) {
                end++;
            }
            return new String(value, 0, end, StandardCharsets.UTF_8);
        });
    }

    /** An IPv4 or IPv6 address attribute (4 or 16 bytes). */
    Optional<InetAddress> address(int type) {
        return bytes(type).map(value -> {
            if (value.length != 4 && value.length != 16) {
                throw new MalformedMessageException("attribute " + type + " holds " + value.length
                        + " bytes, not an IPv4 or IPv6 address");
            }
            try {
                return InetAddress.getByAddress(value);
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are always an address", e);
            }
        });
    }

    /** The attributes nested in {@code type}; empty if it is absent. */
    Attributes nested(int type) {
        return raw(type).map(Attributes::parse).orElseGet(() -> new Attributes(Map.of()));
    }

    private Optional<ByteBuffer> fixed(int type, int size) {
        return raw(type).map(value -> {
            if (value.remaining() < size) {
                throw new MalformedMessageException("attribute " + type + " holds " + value.remaining()
                        + " bytes, need " + size);
            }
            return value;
        });
    }
}
