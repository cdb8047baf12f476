package java.net.spi;

/**
 * Compile-time stub of the JDK 18+ type of the same name (JEP 418), so that the module builds with
 * JDK 17's javac. Never packaged: at run time on JDK 18+ the real type is used.
 */
public abstract class InetAddressResolverProvider {
    /** As in the JDK. */
    protected InetAddressResolverProvider() {
    }

    /** As in the JDK. */
    public abstract InetAddressResolver get(Configuration configuration);

    /** As in the JDK. */
    public abstract String name();

    /** As in the JDK (sealed there; the stub need not be). */
    public interface Configuration {
        /** As in the JDK. */
        InetAddressResolver builtinResolver();

        /** As in the JDK. */
        String lookupLocalHostName();
    }
}
