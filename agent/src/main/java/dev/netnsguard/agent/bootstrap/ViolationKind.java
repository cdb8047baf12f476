package dev.netnsguard.agent.bootstrap;

/**
 * The kinds of violation the guard reports: the single source of truth for their names, which are
 * a contract (JSON reports, JFR events, {@code NetNSViolationError.kind()}).
 *
 * <p>Bootstrap side: JDK types only.
 */
public enum ViolationKind {
    /** A socket (any inet socket kind) created in a namespace its scope does not expect. */
    SOCKET_OPEN("socket created",
            "create the socket inside the namespace: ns.call(host -> ...), a socket born there (ns.openSocketChannel(),"
                    + " ns.socketFactory()) or a thread of ns.threadFactory()"),
    /** A socket bound inside a scope that expects another namespace than the socket's. */
    SOCKET_BIND("socket bound",
            "create the socket in the namespace the scope expects (ns.openServerSocketChannel(), or inside ns.call)"),
    /** A socket connected inside a scope that expects another namespace than the socket's. */
    SOCKET_CONNECT("socket connected",
            "create the socket in the namespace the scope expects (ns.openSocketChannel(), ns.socketFactory(), or inside ns.call)"),
    /** A datagram sent on an unconnected socket inside a scope that expects another namespace than the socket's. */
    SOCKET_SEND("datagram sent",
            "send from a datagram socket created in the namespace the scope expects (ns.openDatagramChannel())"),
    /**
     * A read or a write, inside a scope, on an existing socket the socket table knows to live in another
     * namespace than the scope expects: typically a pooled keep-alive connection of a client used before in
     * another namespace, so the request goes to the wrong server.
     */
    SOCKET_IO("socket read or written",
            "give each namespace its own client (or connection pool), created and used inside ns.call, or evict"
                    + " pooled connections before the client is used in another namespace"),
    /** A host name looked up (cache hits included) from a thread in the wrong namespace. */
    DNS_LOOKUP("host name looked up",
            "resolve inside the namespace: ns.call(host -> InetAddress.getByName(...)) or ns.socketFactory()"),
    /** A process started from a thread in the wrong namespace: the child inherits it. */
    PROCESS_START("process started",
            "start the process inside the namespace: ns.call(host -> new ProcessBuilder(...).start())"),
    /** The runtime's netlink socket opened from a thread in the wrong namespace. */
    NETLINK_OPEN("netlink socket opened",
            "open netlink sockets inside the namespace (ns.call) or use the runtime's netlink API on the handle"),
    /**
     * A pool worker or a virtual thread's carrier outside the launch namespace (born in a namespace
     * because it was created lazily from inside a scope, or switched raw and returned to its pool) ran
     * network work for code that expects another namespace. The detail names the operation.
     */
    STRAY_THREAD("network work on a stray thread",
            "create pool threads before entering scopes (or give the pool ns.threadFactory() if it should serve the"
                    + " namespace), and never return threads switched with enterCurrentThread() to pools: use ns.call");

    private final String what;
    private final String fix;

    ViolationKind(String what, String fix) {
        this.what = what;
        this.fix = fix;
    }

    /** What happened, in words: "socket created". */
    public String what() {
        return what;
    }

    /** How to fix it, in words. */
    public String fix() {
        return fix;
    }
}
