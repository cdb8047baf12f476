package dev.netnsguard.netlink;

/**
 * The RFC 2863 operational state of a link ({@code IFLA_OPERSTATE}), as {@code ip link} shows it.
 * {@link #UP} means the link can carry traffic; a link that is administratively up may still be
 * {@link #DOWN} or {@link #LOWERLAYERDOWN} (a veth whose peer is down), and virtual links without
 * a carrier notion, such as {@code lo} and dummies, report {@link #UNKNOWN}.
 */
public enum OperState {
    /** State unknown; usual for loopback and dummy links even while they work. */
    UNKNOWN,
    /** Some component is missing. */
    NOTPRESENT,
    /** Down: not able to pass packets. */
    DOWN,
    /** Down because a link it depends on is down (a veth whose peer is down). */
    LOWERLAYERDOWN,
    /** In a test mode. */
    TESTING,
    /** Waiting for an external event. */
    DORMANT,
    /** Up and able to pass packets. */
    UP;

    static OperState of(int value) {
        OperState[] all = values();
        return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }
}
