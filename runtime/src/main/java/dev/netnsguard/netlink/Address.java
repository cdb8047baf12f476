package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address assigned to a link, as the kernel reported it; an immutable snapshot.
 *
 * @param linkIndex the index of the link the address is on
 * @param address the address ({@code ip addr}'s {@code local})
 * @param prefixLength the length of the network prefix (0 to 32 for IPv4, 0 to 128 for IPv6)
 * @param scope the scope ({@code RT_SCOPE_*}): 0 global, 253 link, 254 host; see {@link #scopeName()}
 * @param flags the address flags ({@code IFA_F_*}); see {@link #isTentative()}
 */
public record Address(int linkIndex, InetAddress address, int prefixLength, int scope, int flags) {

    /** Checks that the address is present. */
    public Address {
        Objects.requireNonNull(address, "address");
    }

    /** {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}. */
    public StandardProtocolFamily family() {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /**
     * True while IPv6 duplicate address detection has not finished (or failed): such an address
     * cannot be bound yet. {@link Netlink#addAddress(String, InetAddress, int, AddressOption...)} with
     * {@link AddressOption#NO_DAD} skips detection.
     */
    public boolean isTentative() {
        return (flags & (Rtnl.IFA_F_TENTATIVE | Rtnl.IFA_F_DADFAILED)) != 0;
    }

    /** The scope as {@code ip addr} names it: {@code global}, {@code site}, {@code link}, {@code host}, {@code nowhere}, or the number. */
    public String scopeName() {
        return RouteScopes.name(scope);
    }

    /** Such as {@code 198.51.100.1/24 on link 3 scope global}. */
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " on link " + linkIndex + " scope " + scopeName();
    }
}
