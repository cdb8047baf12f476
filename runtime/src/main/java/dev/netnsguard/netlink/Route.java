package dev.netnsguard.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route of a namespace's routing table, as the kernel reported it; an immutable snapshot.
 * To add or delete routes, describe them with a {@link RouteSpec}.
 *
 * @param destination the destination network ({@code 0.0.0.0} or {@code ::} for a default route)
 * @param prefixLength the destination's prefix length (0 for a default route)
 * @param gateway the next hop ({@code via}), if any
 * @param linkIndex the index of the output link ({@code dev}), if any
 * @param table the routing table (254 is {@code main})
 * @param protocol who installed it ({@code RTPROT_*}: 2 kernel, 3 boot, 4 static)
 * @param scope the scope ({@code RT_SCOPE_*}): 0 global, 253 link, 254 host
 * @param type the route type ({@code RTN_*}): 1 unicast, 2 local, 7 unreachable
 * @param metric the priority ({@code RTA_PRIORITY}, {@code ip route}'s {@code metric}), if set
 * @param preferredSource the preferred source address ({@code src}), if set
 */
public record Route(InetAddress destination, int prefixLength, Optional<InetAddress> gateway, OptionalInt linkIndex,
                    int table, int protocol, int scope, int type, OptionalInt metric,
                    Optional<InetAddress> preferredSource) {

    /** Checks that no component is null. */
    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(linkIndex, "linkIndex");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(preferredSource, "preferredSource");
    }

    /** {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}. */
    public StandardProtocolFamily family() {
        return destination instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** True for a default route ({@code 0.0.0.0/0} or {@code ::/0}). */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    /** Such as {@code default via 198.51.100.1 dev 3} or {@code 198.51.100.0/24 dev 3 scope link}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(isDefault() ? "default"
                : destination.getHostAddress() + "/" + prefixLength);
        gateway.ifPresent(g -> text.append(" via ").append(g.getHostAddress()));
        linkIndex.ifPresent(i -> text.append(" dev ").append(i));
        text.append(" table ").append(table).append(" scope ").append(RouteScopes.name(scope));
        metric.ifPresent(m -> text.append(" metric ").append(m));
        return text.toString();
    }
}
