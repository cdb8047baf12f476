package dev.netnsguard.dns;

import java.net.spi.InetAddressResolverProvider;
import java.util.Optional;
import java.util.ServiceLoader;

/** Refers to the JDK 18+ SPI: loaded only after the JDK version has been checked. */
final class ProviderCheck {
    private ProviderCheck() {}

    static void requireFirst() {
        Optional<InetAddressResolverProvider> first = ServiceLoader.load(InetAddressResolverProvider.class,
                ClassLoader.getSystemClassLoader()).findFirst();
        if (first.isEmpty() || !(first.get() instanceof NetNSResolverProvider)) {
            throw new IllegalStateException("netns-guard-dns: InetAddress uses the first InetAddressResolverProvider"
                    + " on the class path, and that is " + first.map(p -> p.getClass().getName() + " (" + p.name() + ")")
                    .orElse("none") + ", not " + NetNSResolverProvider.class.getName()
                    + ": put netns-guard-dns on the class path (before dnsjava, whose jar has a provider too)");
        }
    }
}
