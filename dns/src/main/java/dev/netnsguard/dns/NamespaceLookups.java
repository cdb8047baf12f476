package dev.netnsguard.dns;

import dev.netnsguard.NetNS;
import dev.netnsguard.NoSuchNetNSException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where a lookup for named namespace NAME is answered: with {@code /etc/netns/NAME}, by
 * {@link NamespaceDns}; without it, by the JDK's resolution on a thread inside the namespace
 * ({@code call} runs in place when the caller is already there). The handle is opened per lookup
 * and closed after it, so no namespace is kept alive by this module once it is deleted.
 */
final class NamespaceLookups {
    private NamespaceLookups() {}

    static List<InetAddress> byName(String namespace, String host, Families families, Fallback fallback)
            throws UnknownHostException {
        NetnsDirectory directory = NetnsDirectory.of(namespace);
        try (NetNS ns = open(namespace, directory, host)) {
            if (ns == null) {
                return fallback.byName(host, families);
            }
            if (directory.exists()) {
                return new NamespaceDns(ns, directory).byName(host, families);
            }
            return ns.call(h -> fallback.byName(host, families));
        }
    }

    static String byAddress(String namespace, byte[] address, Fallback fallback) throws UnknownHostException {
        NetnsDirectory directory = NetnsDirectory.of(namespace);
        try (NetNS ns = open(namespace, directory, InetAddress.getByAddress(address).getHostAddress())) {
            if (ns == null) {
                return fallback.byAddress(address);
            }
            if (directory.exists()) {
                return new NamespaceDns(ns, directory).byAddress(address);
            }
            return ns.call(h -> fallback.byAddress(address));
        }
    }

    /**
     * The namespace, or null when its name is gone and it has no configuration: then the lookup is
     * what it would be without this module, on the calling thread. With a configuration, a gone
     * namespace is an error: its nameservers cannot be asked from anywhere else.
     */
    private static NetNS open(String namespace, NetnsDirectory directory, String what) throws UnknownHostException {
        try {
            return NetNS.openNamed(namespace);
        } catch (NoSuchNetNSException e) {
            if (!directory.exists()) {
                return null;
            }
            UnknownHostException unknown = new UnknownHostException(what + ": " + directory.directory()
                    + " exists but named namespace '" + namespace + "' does not: " + e.getMessage());
            unknown.initCause(e);
            throw unknown;
        }
    }
}
