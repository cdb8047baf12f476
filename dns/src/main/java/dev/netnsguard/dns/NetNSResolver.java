package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Host name resolution as code inside a named network namespace sees it, on every JDK: the explicit
 * API, for clients that take a resolver of their own (OkHttp's {@code Dns}, Apache HttpClient's
 * {@code DnsResolver}, Netty's resolver) and for JDK 17, where {@code InetAddress} cannot be made to
 * follow namespaces.
 *
 * <p>For a named namespace NAME with a directory {@code /etc/netns/NAME} (the convention of
 * {@code ip netns exec}): {@code /etc/netns/NAME/hosts} when present, else {@code /etc/hosts}; then
 * the nameservers, search list and options of {@code /etc/netns/NAME/resolv.conf} when present, else
 * of {@code /etc/resolv.conf}, every query sent from a socket created inside NAME. Without that
 * directory: {@code InetAddress} on a thread inside NAME. A resolver for the caller's scope
 * ({@link #ofScope()}) outside any scope, or in the scope of an anonymous namespace, is
 * {@code InetAddress} on the calling thread.
 *
 * <pre>{@code
 * NetNSResolver blueDns = NetNSResolver.of("blue");
 * List<InetAddress> addresses = blueDns.lookup("service.internal");   // as inside "blue", from any thread
 * Socket socket = blue.socketFactory().createSocket(addresses.get(0), 80);
 * }</pre>
 *
 * <p>Lookups through this class never use the JVM-wide {@code InetAddress} cache when the namespace
 * has {@code /etc/netns/NAME}: every call reads the files and asks the nameservers. Resolvers are
 * immutable and safe to share between threads; the files are read afresh at every lookup.
 */
public final class NetNSResolver {
    private static final Fallback INET_ADDRESS = new Fallback() {
        @Override
        public List<InetAddress> byName(String host, Families families) throws UnknownHostException {
            List<InetAddress> all = Arrays.stream(InetAddress.getAllByName(host))
                    .filter(a -> a.getAddress().length == 4 ? families.ipv4() : families.ipv6())
                    .collect(Collectors.toList());
            if (all.isEmpty()) {
                throw new UnknownHostException(host + ": no address of the families asked for");
            }
            return all;
        }

        @Override
        public String byAddress(byte[] address) throws UnknownHostException {
            InetAddress literal = InetAddress.getByAddress(address);
            String name = literal.getCanonicalHostName();
            if (name.equals(literal.getHostAddress())) {
                throw new UnknownHostException(literal.getHostAddress() + ": no name for this address");
            }
            return name;
        }
    };

    private final String namespace;

    private NetNSResolver(String namespace) {
        this.namespace = namespace;
    }

    /**
     * Resolves as code inside named namespace {@code namespace} does, whichever thread calls.
     *
     * @throws IllegalArgumentException if {@code namespace} is empty or contains a {@code /}
     */
    public static NetNSResolver of(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.contains("/") || namespace.equals(".") || namespace.equals("..")) {
            throw new IllegalArgumentException("not a namespace name: '" + namespace + "'");
        }
        return new NetNSResolver(namespace);
    }

    /**
     * Resolves for the scope of the calling code at each lookup ({@link NetNS#scopeName()}): what the
     * {@code InetAddress} provider of this module does on JDK 18+.
     */
    public static NetNSResolver ofScope() {
        return new NetNSResolver(null);
    }

    /** The namespace this resolver answers for; empty for {@link #ofScope()}. */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    /**
     * The addresses of {@code host}, in the order {@code InetAddress} would give them (IPv4 first unless
     * {@code java.net.preferIPv6Addresses=true}; IPv4 only with {@code java.net.preferIPv4Stack=true}).
     * An address literal is returned as it is.
     *
     * @throws UnknownHostException if the name has no address, or no nameserver answered within the
     *         timeouts of resolv.conf; the message names the namespace and the files used
     */
    public List<InetAddress> lookup(String host) throws UnknownHostException {
        Objects.requireNonNull(host, "host");
        if (isLiteral(host)) {
            return List.of(InetAddress.getByName(host));
        }
        Families families = Families.ofSystemProperties();
        Optional<String> name = target();
        if (name.isEmpty()) {
            return INET_ADDRESS.byName(host, families);
        }
        return NamespaceLookups.byName(name.get(), host, families, INET_ADDRESS);
    }

    /**
     * The host name of {@code address}: the hosts file, then a PTR query, as {@link #lookup} does.
     *
     * @throws UnknownHostException if the address has no name
     */
    public String reverse(InetAddress address) throws UnknownHostException {
        Objects.requireNonNull(address, "address");
        Optional<String> name = target();
        if (name.isEmpty()) {
            return INET_ADDRESS.byAddress(address.getAddress());
        }
        return NamespaceLookups.byAddress(name.get(), address.getAddress(), INET_ADDRESS);
    }

    /**
     * Checks that {@code InetAddress} itself follows namespaces in this JVM, for applications that
     * rely on it rather than on this class.
     *
     * @throws UnsupportedOperationException on JDK 17: it has no resolver SPI (JEP 418, JDK 18+), so
     *         {@code InetAddress} ignores {@code /etc/netns/NAME} in every scope
     * @throws IllegalStateException if another {@code InetAddressResolverProvider} comes first on the
     *         class path (the JDK uses only the first one found), such as dnsjava's own when its jar is
     *         placed before this module's
     */
    public static void requireInetAddressIntegration() {
        if (Runtime.version().feature() < 18) {
            throw new UnsupportedOperationException("netns-guard-dns: JDK " + Runtime.version().feature()
                    + " has no InetAddress resolver SPI (JEP 418, JDK 18+), so InetAddress resolves with the"
                    + " host's /etc/resolv.conf and /etc/hosts in every scope. Resolve through"
                    + " NetNSResolver.of(name).lookup(host) explicitly (OkHttp Dns, Apache DnsResolver, Netty"
                    + " resolver), or run on JDK 18+");
        }
        ProviderCheck.requireFirst();
    }

    private Optional<String> target() {
        return namespace != null ? Optional.of(namespace) : NetNS.scopeName();
    }

    private static boolean isLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int scope = bare.indexOf('%');
        String address = scope < 0 ? bare : bare.substring(0, scope);
        return org.xbill.DNS.Address.isDottedQuad(address)
                || org.xbill.DNS.Address.toByteArray(address, org.xbill.DNS.Address.IPv6) != null;
    }

    @Override
    public String toString() {
        return "NetNSResolver[" + (namespace != null ? namespace : "scope") + "]";
    }
}
