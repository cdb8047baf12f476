package java.net.spi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

/**
 * Compile-time stub of the JDK 18+ type of the same name (JEP 418), so that the module builds with
 * JDK 17's javac. Never packaged: at run time on JDK 18+ the real type is used. Signatures and
 * constant values are those of the JDK.
 */
public interface InetAddressResolver {
    /** As in the JDK. */
    Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException;

    /** As in the JDK. */
    String lookupByAddress(byte[] addr) throws UnknownHostException;

    /** As in the JDK. */
    final class LookupPolicy {
        /** As in the JDK. */
        public static final int IPV4 = 1 << 0;
        /** As in the JDK. */
        public static final int IPV6 = 1 << 1;
        /** As in the JDK. */
        public static final int IPV4_FIRST = 1 << 2;
        /** As in the JDK. */
        public static final int IPV6_FIRST = 1 << 3;

        private LookupPolicy() {
        }

        /** As in the JDK. */
        public static LookupPolicy of(int characteristics) {
            throw new UnsupportedOperationException("compile-time stub");
        }

        /** As in the JDK. */
        public int characteristics() {
            throw new UnsupportedOperationException("compile-time stub");
        }
    }
}
