package dev.netnsguard.netlink;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSClosedException;
import dev.netnsguard.NetNSException;
import dev.netnsguard.internal.linux.SyscallException;
import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.nsfs.NsLinks;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * An rtnetlink client bound to one network namespace: lists and configures its links, addresses
 * and routes in-process, as {@code ip link}, {@code ip addr} and {@code ip route} would.
 *
 * <pre>{@code
 * try (NetNS blue = NetNS.createNamed("blue"); NetNS red = NetNS.createNamed("red");
 *      Netlink nl = Netlink.open(blue)) {
 *     nl.setUp("lo");
 *     nl.addVeth("veth0", "veth1", red);          // veth1 is born inside red
 *     nl.addAddress("veth0", InetAddress.getByName("198.51.100.1"), 24);
 *     nl.setUp("veth0");
 * }
 * }</pre>
 *
 * <p>The handle owns a {@code NETLINK_ROUTE} socket created inside its namespace, so it configures
 * that namespace whichever thread uses it; the calling thread is never switched. Every operation
 * is one or more complete requests: each gets its own sequence number and waits for the kernel's
 * acknowledgement or the end of its dump, so when a method returns the change is made. The handle
 * is thread-safe; requests are serialized. Results are immutable snapshots ({@link Link},
 * {@link Address}, {@link Route} in unmodifiable lists).
 *
 * <p>Links are named by interface name. Arguments are checked before anything is sent (interface
 * names of 1 to 15 bytes without {@code /}, {@code :} or whitespace; prefix lengths; MTU) and bad
 * ones throw {@link IllegalArgumentException}. The kernel's refusals throw {@link NetlinkException}
 * and its subclasses: {@link NetlinkExistsException} (EEXIST), {@link NoSuchLinkException}
 * (ENODEV), {@link NetlinkPermissionException} (EPERM: configuring needs {@code CAP_NET_ADMIN}).
 * Their messages name the operation and namespace: {@code add link veth0 in blue: EEXIST (File exists)}.
 * After {@link #close()}, every operation throws {@link NetNSClosedException}.
 */
public final class Netlink implements AutoCloseable {
    /** IPv4's minimum MTU. */
    static final int MIN_MTU = 68;
    /** Loopback's default MTU, the largest any common driver accepts. */
    static final int MAX_MTU = 65536;

    private final RouteSocket socket;

    private Netlink(RouteSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens a client for {@code ns}: its socket is created on a thread inside {@code ns} (through
     * {@link NetNS#call}) and configures {@code ns} from any thread afterwards. The handle does not
     * keep {@code ns} open, but its socket keeps the namespace itself alive.
     *
     * @throws NetNSClosedException if {@code ns} is closed
     * @throws NetlinkException if the socket cannot be created
     */
    public static Netlink open(NetNS ns) {
        Objects.requireNonNull(ns, "ns");
        String label = label(ns);
        RouteSocket socket = ns.call(host -> RouteSocket.openOnCurrentThread());
        socket.describeAs(label);
        return new Netlink(socket);
    }

    /**
     * Opens a client for the calling thread's network namespace, through
     * {@link RouteSocket#openOnCurrentThread()}. Prefer {@link #open(NetNS)}, which does not depend
     * on which namespace the calling thread happens to be in.
     */
    public static Netlink openOnCurrentThread() {
        return new Netlink(RouteSocket.openOnCurrentThread());
    }

    /** How errors name the namespace: its name, or {@code net:[inode]}. */
    public String namespace() {
        return socket.namespace();
    }

    // ---------------------------------------------------------------- links

    /** Every link of the namespace, by index, as {@code ip link show} lists them. */
    public List<Link> links() {
        return List.copyOf(decodeAll("list links", socket.dump("list links", LinkMessages.dump()),
                LinkMessages::decode));
    }

    /**
     * The link named {@code name}.
     *
     * @throws NoSuchLinkException if there is none
     */
    public Link link(String name) {
        InterfaceNames.check(name);
        return fetch("get link " + name, name);
    }

    /**
     * The link with index {@code index}.
     *
     * @throws NoSuchLinkException if there is none
     */
    public Link link(int index) {
        if (index <= 0) {
            throw new IllegalArgumentException("link index must be positive, got " + index);
        }
        String operation = "get link " + index;
        return single(operation, socket.request(operation, LinkMessages.getByIndex(index)));
    }

    /** The link named {@code name}, or empty if there is none. */
    public Optional<Link> findLink(String name) {
        try {
            return Optional.of(link(name));
        } catch (NoSuchLinkException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates a dummy link (a black hole that can carry addresses), down.
     *
     * @return the new link
     * @throws NetlinkExistsException if a link of that name exists
     */
    public Link addDummy(String name) {
        InterfaceNames.check(name);
        return create("add link " + name + " (dummy)", name, LinkMessages.create(name, "dummy"));
    }

    /**
     * Creates a bridge, down. Enslave links to it with {@link #setMaster}.
     *
     * @return the new bridge
     * @throws NetlinkExistsException if a link of that name exists
     */
    public Link addBridge(String name) {
        InterfaceNames.check(name);
        return create("add link " + name + " (bridge)", name, LinkMessages.create(name, "bridge"));
    }

    /**
     * Creates a veth pair with both ends in this namespace, both down.
     *
     * @return the end named {@code name}
     * @throws NetlinkExistsException if either name is taken; then neither end is created
     */
    public Link addVeth(String name, String peerName) {
        InterfaceNames.check(name);
        InterfaceNames.check(peerName);
        if (name.equals(peerName)) {
            throw new IllegalArgumentException("veth ends need two different names, got '" + name + "' twice");
        }
        return create("add link " + name + " (veth, peer " + peerName + ")", name,
                LinkMessages.createVeth(name, peerName, -1));
    }

    /**
     * Creates a veth pair whose end {@code name} is in this namespace and whose end {@code peerName}
     * is created directly inside {@code peerNamespace} (by its fd, {@code IFLA_NET_NS_FD}). One
     * request creates both ends, so the kernel makes both or neither: a failure (a name taken on
     * either side) leaves nothing behind. Both ends start down.
     *
     * @return the end named {@code name}, in this namespace
     * @throws NetlinkExistsException if either name is taken on its side
     * @throws NetNSClosedException if {@code peerNamespace} (or this handle) is closed
     */
    public Link addVeth(String name, String peerName, NetNS peerNamespace) {
        InterfaceNames.check(name);
        InterfaceNames.check(peerName);
        Objects.requireNonNull(peerNamespace, "peerNamespace");
        String operation = "add link " + name + " (veth, peer " + peerName + " in " + label(peerNamespace) + ")";
        return withNamespaceFd(peerNamespace, operation,
                fd -> create(operation, name, LinkMessages.createVeth(name, peerName, fd)));
    }

    /**
     * Enslaves link {@code name} to the bridge {@code master} ({@code ip link set NAME master MASTER}).
     *
     * @throws NoSuchLinkException if either link does not exist
     */
    public void setMaster(String name, String master) {
        InterfaceNames.check(name);
        InterfaceNames.check(master);
        String operation = "set link " + name + " master " + master;
        int index = indexOf(operation, name);
        int masterIndex = indexOf(operation, master);
        socket.request(operation, LinkMessages.change(index, 0, 0).attributeU32(Rtnl.IFLA_MASTER, masterIndex));
    }

    /** Releases link {@code name} from its bridge ({@code ip link set NAME nomaster}). */
    public void clearMaster(String name) {
        InterfaceNames.check(name);
        String operation = "set link " + name + " nomaster";
        int index = indexOf(operation, name);
        socket.request(operation, LinkMessages.change(index, 0, 0).attributeU32(Rtnl.IFLA_MASTER, 0));
    }

    /** Sets link {@code name} administratively up ({@code ip link set NAME up}). */
    public void setUp(String name) {
        setFlag(name, true);
    }

    /** Sets link {@code name} administratively down ({@code ip link set NAME down}). */
    public void setDown(String name) {
        setFlag(name, false);
    }

    private void setFlag(String name, boolean up) {
        InterfaceNames.check(name);
        String operation = "set link " + name + (up ? " up" : " down");
        int index = indexOf(operation, name);
        socket.request(operation, LinkMessages.change(index, up ? Rtnl.IFF_UP : 0, Rtnl.IFF_UP));
    }

    /**
     * Sets the MTU of link {@code name}. Values outside 68 (IPv4's minimum) to 65536 are refused
     * here; within that range the driver has the last word (EINVAL).
     */
    public void setMtu(String name, int mtu) {
        InterfaceNames.check(name);
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " out of range " + MIN_MTU + " to " + MAX_MTU);
        }
        String operation = "set link " + name + " mtu " + mtu;
        int index = indexOf(operation, name);
        socket.request(operation, LinkMessages.change(index, 0, 0).attributeU32(Rtnl.IFLA_MTU, mtu));
    }

    /**
     * Renames link {@code name} to {@code newName}. Most drivers refuse to rename a link that is up (EBUSY).
     *
     * @throws NetlinkExistsException if {@code newName} is taken
     */
    public void rename(String name, String newName) {
        InterfaceNames.check(name);
        InterfaceNames.check(newName);
        String operation = "rename link " + name + " to " + newName;
        int index = indexOf(operation, name);
        socket.request(operation, LinkMessages.change(index, 0, 0).attributeString(Rtnl.IFLA_IFNAME, newName));
    }

    /**
     * Moves link {@code name} into {@code target} ({@code ip link set NAME netns TARGET}). The link
     * arrives down and without addresses.
     *
     * @throws NetlinkExistsException if {@code target} has a link of that name
     * @throws NetNSClosedException if {@code target} (or this handle) is closed
     */
    public void moveTo(String name, NetNS target) {
        InterfaceNames.check(name);
        Objects.requireNonNull(target, "target");
        String operation = "move link " + name + " to " + label(target);
        int index = indexOf(operation, name);
        withNamespaceFd(target, operation, fd -> socket.request(operation,
                LinkMessages.change(index, 0, 0).attributeU32(Rtnl.IFLA_NET_NS_FD, fd)));
    }

    /**
     * Moves link {@code name} into the network namespace of process (or thread) {@code pid}
     * ({@code IFLA_NET_NS_PID}).
     *
     * @throws NetlinkException with ESRCH if there is no such process
     */
    public void moveToProcess(String name, long pid) {
        InterfaceNames.check(name);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid pid " + pid);
        }
        String operation = "move link " + name + " to the namespace of process " + pid;
        int index = indexOf(operation, name);
        socket.request(operation, LinkMessages.change(index, 0, 0).attributeU32(Rtnl.IFLA_NET_NS_PID, (int) pid));
    }

    /**
     * Deletes link {@code name}; deleting one end of a veth pair deletes both.
     *
     * @throws NoSuchLinkException if there is no such link
     */
    public void deleteLink(String name) {
        InterfaceNames.check(name);
        String operation = "delete link " + name;
        socket.request(operation, LinkMessages.delete(indexOf(operation, name)));
    }

    // ---------------------------------------------------------------- addresses

    /** Every IPv4 and IPv6 address of the namespace, as {@code ip addr show} lists them. */
    public List<Address> addresses() {
        return List.copyOf(allAddresses());
    }

    private List<Address> allAddresses() {
        return decodeAll("list addresses", socket.dump("list addresses", AddressMessages.dump()),
                AddressMessages::decode);
    }

    /**
     * The IPv4 and IPv6 addresses of link {@code name}.
     *
     * @throws NoSuchLinkException if there is no such link
     */
    public List<Address> addresses(String name) {
        InterfaceNames.check(name);
        int index = indexOf("list addresses of " + name, name);
        List<Address> all = allAddresses();
        all.removeIf(a -> a.linkIndex() != index);
        return List.copyOf(all);
    }

    /**
     * Adds {@code address/prefixLength} to link {@code name} ({@code ip addr add}). The kernel adds
     * the matching prefix route once the link is up. A new IPv6 address is "tentative" until
     * duplicate address detection ends, unless {@link AddressOption#NO_DAD} is given.
     *
     * @throws NetlinkExistsException if the link has the address already
     * @throws NoSuchLinkException if there is no such link
     */
    public void addAddress(String name, InetAddress address, int prefixLength, AddressOption... options) {
        InterfaceNames.check(name);
        Prefixes.checkLength(address, prefixLength);
        boolean noDad = Arrays.asList(Objects.requireNonNull(options, "options")).contains(AddressOption.NO_DAD);
        String operation = "add address " + address.getHostAddress() + "/" + prefixLength + " to " + name;
        int index = indexOf(operation, name);
        socket.request(operation, AddressMessages.change(true, index, address, prefixLength, noDad));
    }

    /**
     * Removes {@code address/prefixLength} from link {@code name} ({@code ip addr del}).
     *
     * @throws NetlinkException with EADDRNOTAVAIL if the link has no such address
     */
    public void deleteAddress(String name, InetAddress address, int prefixLength) {
        InterfaceNames.check(name);
        Prefixes.checkLength(address, prefixLength);
        String operation = "delete address " + address.getHostAddress() + "/" + prefixLength + " from " + name;
        int index = indexOf(operation, name);
        socket.request(operation, AddressMessages.change(false, index, address, prefixLength, false));
    }

    // ---------------------------------------------------------------- routes

    /**
     * The IPv4 and IPv6 routes of the main table, as {@code ip route show} and {@code ip -6 route show}
     * list them (IPv4 first).
     */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>(routes(StandardProtocolFamily.INET));
        routes.addAll(routes(StandardProtocolFamily.INET6));
        return List.copyOf(routes);
    }

    /** The routes of the main table of {@code family} (INET or INET6). */
    public List<Route> routes(StandardProtocolFamily family) {
        Objects.requireNonNull(family, "family");
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("routes are IPv4 or IPv6, not " + family);
        }
        int af = family == StandardProtocolFamily.INET ? Rtnl.AF_INET : Rtnl.AF_INET6;
        String operation = "list " + (af == Rtnl.AF_INET ? "IPv4" : "IPv6") + " routes";
        List<Route> routes = decodeAll(operation, socket.dump(operation, RouteMessages.dump(af)),
                RouteMessages::decode);
        routes.removeIf(r -> r.table() != Rtnl.RT_TABLE_MAIN || r.family() != family);
        return List.copyOf(routes);
    }

    /**
     * Adds {@code route} to the main table ({@code ip route add}).
     *
     * @throws IllegalArgumentException if it names neither a gateway nor a device
     * @throws NetlinkExistsException if the route exists
     * @throws NoSuchLinkException if its device does not exist
     */
    public void addRoute(RouteSpec route) {
        Objects.requireNonNull(route, "route");
        if (route.gateway().isEmpty() && route.device().isEmpty()) {
            throw new IllegalArgumentException("route " + route + " needs a gateway (via) or a device (dev)");
        }
        changeRoute(true, route);
    }

    /**
     * Deletes {@code route} from the main table ({@code ip route del}); a gateway or device in it
     * must match too.
     *
     * @throws NetlinkException with ESRCH if there is no such route
     */
    public void deleteRoute(RouteSpec route) {
        Objects.requireNonNull(route, "route");
        changeRoute(false, route);
    }

    private void changeRoute(boolean add, RouteSpec route) {
        String operation = (add ? "add" : "delete") + " route " + route;
        int linkIndex = route.device().map(d -> indexOf(operation, d)).orElse(0);
        socket.request(operation, RouteMessages.change(add, route, linkIndex));
    }

    // ---------------------------------------------------------------- lifecycle

    /** Closes the socket. Idempotent; afterwards every operation throws {@link NetNSClosedException}. */
    @Override
    public void close() {
        socket.close();
    }

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Such as {@code Netlink[blue]} or {@code Netlink[blue, closed]}. */
    @Override
    public String toString() {
        return "Netlink[" + namespace() + (isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- internals

    private Link create(String operation, String name, MessageWriter request) {
        socket.request(operation, request);
        try {
            return fetch(operation, name);
        } catch (RuntimeException e) {
            // Created but not readable back: undo rather than leave a link the caller never saw.
            try {
                socket.request(operation + " (undo)", LinkMessages.delete(indexOf(operation, name)));
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private Link fetch(String operation, String name) {
        return single(operation, socket.request(operation, LinkMessages.getByName(name)));
    }

    private int indexOf(String operation, String name) {
        return fetch(operation, name).index();
    }

    private Link single(String operation, List<Message> reply) {
        List<Link> links = decodeAll(operation, reply, LinkMessages::decode);
        if (links.size() != 1) {
            throw new NetlinkProtocolException(operation, namespace(), "expected one link in the reply, got "
                    + links.size());
        }
        return links.get(0);
    }

    private <T> List<T> decodeAll(String operation, List<Message> messages, Function<Message, Optional<T>> decoder) {
        List<T> values = new ArrayList<>(messages.size());
        try {
            for (Message m : messages) {
                decoder.apply(m).ifPresent(values::add);
            }
        } catch (MalformedMessageException e) {
            throw new NetlinkProtocolException(operation, namespace(), "malformed reply: " + e.getMessage());
        }
        return values;
    }

    /**
     * Runs {@code body} with a private duplicate of {@code ns}'s fd, so that closing {@code ns}
     * concurrently cannot make the request name whatever file reuses the number.
     */
    private <T> T withNamespaceFd(NetNS ns, String operation, IntFunction<T> body) {
        int fd;
        try {
            fd = Syscalls.dupCloexec(ns.fd());
        } catch (SyscallException e) {
            throw new NetNSException(operation + " in " + namespace(), e);
        }
        try {
            return body.apply(fd);
        } finally {
            Syscalls.closeQuietly(fd);
        }
    }

    private static String label(NetNS ns) {
        return ns.name().orElse(NsLinks.format(ns.inode()));
    }
}
