package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/** Checks of address prefix lengths, done before a request is sent so errors name the caller's mistake. */
final class Prefixes {
    private Prefixes() {}

    /** The prefix length must fit the family: 0 to 32 for IPv4, 0 to 128 for IPv6. */
    static void checkLength(InetAddress address, int prefixLength) {
        Objects.requireNonNull(address, "address");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("invalid prefix length " + prefixLength + " for "
                    + address.getHostAddress() + ": must be 0 to " + max);
        }
    }

    /**
     * A route destination must be a network: no bits set after the prefix. The kernel refuses
     * that for IPv4 and silently truncates it for IPv6, so both are refused here.
     */
    static void checkNetwork(InetAddress destination, int prefixLength) {
        checkLength(destination, prefixLength);
        byte[] bytes = destination.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException(destination.getHostAddress() + "/" + prefixLength
                        + " has host bits set; a route destination must be a network address");
            }
        }
    }
}
