package dev.netnsguard.dns;

/**
 * Which address families a lookup asks for, and which comes first: the JDK's lookup policy without
 * its JDK 18+ type, so the same lookups serve the JDK 17 API.
 */
record Families(boolean ipv4, boolean ipv6, boolean ipv6First) {
    Families {
        if (!ipv4 && !ipv6) {
            throw new IllegalArgumentException("a lookup must ask for IPv4, IPv6 or both");
        }
    }

    /** What {@code InetAddress} asks for by default: the {@code java.net.preferIPv4Stack} and {@code preferIPv6Addresses} properties. */
    static Families ofSystemProperties() {
        if (Boolean.getBoolean("java.net.preferIPv4Stack")) {
            return new Families(true, false, false);
        }
        return new Families(true, true, "true".equalsIgnoreCase(System.getProperty("java.net.preferIPv6Addresses")));
    }
}
