package dev.netnsguard.netlink;

/** Options for {@link Netlink#addAddress(String, java.net.InetAddress, int, AddressOption...)}. */
public enum AddressOption {
    /**
     * Skip IPv6 duplicate address detection ({@code IFA_F_NODAD}, {@code ip addr add ... nodad}), so
     * the address is usable at once instead of "tentative" for a second or two. Ignored for IPv4.
     */
    NO_DAD
}
