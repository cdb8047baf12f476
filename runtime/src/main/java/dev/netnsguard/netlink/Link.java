package dev.netnsguard.netlink;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network interface ("link") of a namespace, as the kernel reported it at the time of the request;
 * an immutable snapshot.
 *
 * @param index the interface index, unique within the namespace ({@code ip link}'s {@code ifindex})
 * @param name the interface name, at most 15 bytes
 * @param kind the driver kind ({@code "veth"}, {@code "dummy"}, {@code "bridge"}); empty for
 *        links without one, such as {@code lo} and physical devices
 * @param type the hardware type ({@code ARPHRD_*}: 1 for Ethernet, 772 for loopback); see {@link #typeName()}
 * @param flags the interface flags ({@code IFF_*}); see {@link #isUp()} and {@link #hasCarrier()}
 * @param operState the operational state
 * @param mtu the MTU in bytes
 * @param macAddress the link-layer address in {@code ip}'s form ({@code "02:42:ac:11:00:02"}), where the link has one
 * @param masterIndex the index of the bridge (or bond) this link is enslaved to, if any
 */
public record Link(int index, String name, Optional<String> kind, int type, int flags, OperState operState,
                   int mtu, Optional<String> macAddress, OptionalInt masterIndex) {

    /** Checks that no component is null. */
    public Link {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(operState, "operState");
        Objects.requireNonNull(macAddress, "macAddress");
        Objects.requireNonNull(masterIndex, "masterIndex");
    }

    /** True if the link is administratively up ({@code IFF_UP}, {@code ip link set NAME up}). */
    public boolean isUp() {
        return (flags & Rtnl.IFF_UP) != 0;
    }

    /** True if the link has a carrier ({@code IFF_LOWER_UP}, {@code ip link}'s {@code LOWER_UP}). */
    public boolean hasCarrier() {
        return (flags & Rtnl.IFF_LOWER_UP) != 0;
    }

    /**
     * The hardware type as {@code ip link} names it ({@code "ether"}, {@code "loopback"}, {@code "none"}),
     * or {@code "[N]"} for types without a name here.
     */
    public String typeName() {
        switch (type) {
            case 1:
                return "ether";
            case 772:
                return "loopback";
            case 65534:
                return "none";
            case 0xFFFF:
                return "void";
            case 768:
                return "ipip";
            case 776:
                return "sit";
            case 778:
                return "gre";
            default:
                return "[" + type + "]";
        }
    }
}
