package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * A route to add or delete in the {@code main} table, like the arguments of {@code ip route add}:
 * <pre>{@code
 * RouteSpec.defaultRoute(StandardProtocolFamily.INET).via(gateway)      // default via 198.51.100.1
 * RouteSpec.to(InetAddress.getByName("198.51.100.0"), 24).dev("veth0")  // 198.51.100.0/24 dev veth0
 * }</pre>
 * Immutable; {@link #via} and {@link #dev} return new specs. The destination must have no bits set
 * beyond its prefix, and a gateway must be of the destination's family: both are checked here,
 * before anything is sent.
 *
 * @param destination the destination network
 * @param prefixLength its prefix length
 * @param gateway the next hop, if any
 * @param device the output link's name, if any
 */
public record RouteSpec(InetAddress destination, int prefixLength, Optional<InetAddress> gateway,
                        Optional<String> device) {

    /**
     * Checks the spec.
     *
     * @throws IllegalArgumentException if the prefix length is out of range for the family, the
     *         destination has host bits set, the gateway is of another family or the device name is invalid
     */
    public RouteSpec {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(device, "device");
        Prefixes.checkNetwork(destination, prefixLength);
        gateway.ifPresent(g -> {
            if (g.getClass() != destination.getClass()) {
                throw new IllegalArgumentException("gateway " + g.getHostAddress() + " is not of the family of "
                        + destination.getHostAddress() + "/" + prefixLength);
            }
        });
        device.ifPresent(InterfaceNames::check);
    }

    /** A route to the network {@code destination/prefixLength}; add {@link #via} or {@link #dev}. */
    public static RouteSpec to(InetAddress destination, int prefixLength) {
        return new RouteSpec(destination, prefixLength, Optional.empty(), Optional.empty());
    }

    /** The default route of {@code family} ({@code 0.0.0.0/0} or {@code ::/0}); add {@link #via} or {@link #dev}. */
    public static RouteSpec defaultRoute(StandardProtocolFamily family) {
        Objects.requireNonNull(family, "family");
        try {
            if (family == StandardProtocolFamily.INET) {
                return to(InetAddress.getByAddress(new byte[4]), 0);
            }
            if (family == StandardProtocolFamily.INET6) {
                return to(InetAddress.getByAddress(new byte[16]), 0);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
        throw new IllegalArgumentException("routes are IPv4 or IPv6, not " + family);
    }

    /** This route through the next hop {@code gateway} ({@code ip route ... via}). */
    public RouteSpec via(InetAddress gateway) {
        return new RouteSpec(destination, prefixLength, Optional.of(gateway), device);
    }

    /** This route out of the link named {@code device} ({@code ip route ... dev}). */
    public RouteSpec dev(String device) {
        return new RouteSpec(destination, prefixLength, gateway, Optional.of(device));
    }

    /** {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}. */
    public StandardProtocolFamily family() {
        return destination instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    boolean isIpv4() {
        return destination instanceof Inet4Address;
    }

    /** As {@code ip route} writes it: {@code default via 198.51.100.1} or {@code 198.51.100.0/24 dev veth0}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(prefixLength == 0 ? "default"
                : destination.getHostAddress() + "/" + prefixLength);
        gateway.ifPresent(g -> text.append(" via ").append(g.getHostAddress()));
        device.ifPresent(d -> text.append(" dev ").append(d));
        return text.toString();
    }
}
