package dev.netnsguard.agent;

import java.util.Locale;

/** Which cache answers {@code InetAddress} name lookups: the values of the {@code dns-cache} option. */
public enum NameCache {
    /**
     * The JDK's own cache, one for the whole JVM and keyed by host name only: an answer resolved in one
     * namespace is served in every other until it expires (the guard reports such a hit inside a scope).
     */
    JVM,
    /**
     * Lookups on threads in the launch namespace keep the JDK's cache; a lookup on a thread in any other
     * namespace bypasses it, resolves on that thread and is cached per namespace with the JDK's TTLs.
     */
    PER_NAMESPACE;

    /** The option value: {@code jvm} or {@code per-namespace}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static NameCache of(String key) {
        for (NameCache cache : values()) {
            if (cache.key().equals(key)) {
                return cache;
            }
        }
        throw new IllegalArgumentException(key);
    }
}
