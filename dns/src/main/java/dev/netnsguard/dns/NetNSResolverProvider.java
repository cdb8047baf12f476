package dev.netnsguard.dns;

import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;

/**
 * Makes {@code InetAddress} follow the scopes of named namespaces (JDK 18+, JEP 418): found by the
 * JDK on the class path, through {@code META-INF/services}, at the first lookup of the JVM. Inside a
 * scope of named namespace NAME with a directory {@code /etc/netns/NAME}, names and addresses are
 * resolved as {@link NetNSResolver} does; in scopes of other namespaces the JDK's built-in resolver
 * runs on a thread inside the namespace; outside scopes the built-in resolver runs unchanged.
 *
 * <p>JDK 17 has no such SPI and never loads this class; use {@link NetNSResolver} there.
 */
public final class NetNSResolverProvider extends InetAddressResolverProvider {
    /** Called by the JDK's {@code ServiceLoader}. */
    public NetNSResolverProvider() {
    }

    /** A resolver that follows scopes and falls back to {@code configuration}'s built-in one. */
    @Override
    public InetAddressResolver get(Configuration configuration) {
        return new ScopedResolver(configuration.builtinResolver());
    }

    /** {@code netns-guard}. */
    @Override
    public String name() {
        return "netns-guard";
    }
}
