package dev.netnsguard.dns;

import dev.netnsguard.NetNS;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The system-wide resolver: the scope's named namespace decides ({@link NamespaceLookups}). A lookup
 * that starts while this thread is already inside one (dnsjava or the runtime asking InetAddress for
 * their own needs) goes straight to the built-in resolver, so this resolver never recurses.
 */
final class ScopedResolver implements InetAddressResolver {
    private static final ThreadLocal<Boolean> RESOLVING = new ThreadLocal<>();

    private final InetAddressResolver builtin;

    ScopedResolver(InetAddressResolver builtin) {
        this.builtin = builtin;
    }

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (RESOLVING.get() != null) {
            return builtin.lookupByName(host, policy);
        }
        RESOLVING.set(Boolean.TRUE);
        try {
            Optional<String> namespace = NetNS.scopeName();
            if (namespace.isEmpty()) {
                return builtin.lookupByName(host, policy);
            }
            return NamespaceLookups.byName(namespace.get(), host, families(policy), fallback(policy)).stream();
        } finally {
            RESOLVING.remove();
        }
    }

    @Override
    public String lookupByAddress(byte[] address) throws UnknownHostException {
        if (RESOLVING.get() != null) {
            return builtin.lookupByAddress(address);
        }
        RESOLVING.set(Boolean.TRUE);
        try {
            Optional<String> namespace = NetNS.scopeName();
            if (namespace.isEmpty()) {
                return builtin.lookupByAddress(address);
            }
            return NamespaceLookups.byAddress(namespace.get(), address, fallback(null));
        } finally {
            RESOLVING.remove();
        }
    }

    private static Families families(LookupPolicy policy) {
        int c = policy.characteristics();
        return new Families((c & LookupPolicy.IPV4) != 0, (c & LookupPolicy.IPV6) != 0,
                (c & LookupPolicy.IPV6_FIRST) != 0);
    }

    /** The built-in resolver with the JDK's own policy, collected where it runs (inside the namespace). */
    private Fallback fallback(LookupPolicy policy) {
        return new Fallback() {
            @Override
            public List<InetAddress> byName(String host, Families ignored) throws UnknownHostException {
                return builtin.lookupByName(host, policy).collect(Collectors.toList());
            }

            @Override
            public String byAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }
}
