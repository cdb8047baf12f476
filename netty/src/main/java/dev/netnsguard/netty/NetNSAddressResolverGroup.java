package dev.netnsguard.netty;

import dev.netnsguard.NetNS;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Name resolution inside a network namespace for Netty's {@code Bootstrap.resolver(...)}: host
 * names are looked up with {@link InetAddress} inside {@link NetNS#call}, so the system resolver
 * sends its queries through that namespace's network. Netty's default resolver does the same lookup
 * on the event loop, in whatever namespace the event loop's thread is (usually the launch one).
 *
 * <p>Like Netty's default, the lookup blocks the event loop for as long as it takes. Only the
 * network is the namespace's: {@code /etc/hosts} and {@code /etc/resolv.conf} are the JVM's files,
 * and answers are cached JVM-wide by {@code InetAddress}.
 */
public final class NetNSAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {
    private final NetNS ns;

    /** Resolution inside {@code ns}. */
    public NetNSAddressResolverGroup(NetNS ns) {
        this.ns = Objects.requireNonNull(ns, "ns");
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new InsideNameResolver(executor, ns).asAddressResolver();
    }

    /** {@code NetNSAddressResolverGroup[blue net:[4026532481]]}. */
    @Override
    public String toString() {
        return "NetNSAddressResolverGroup[" + ns + "]";
    }

    private static final class InsideNameResolver extends InetNameResolver {
        private final NetNS ns;

        InsideNameResolver(EventExecutor executor, NetNS ns) {
            super(executor);
            this.ns = ns;
        }

        @Override
        protected void doResolve(String inetHost, Promise<InetAddress> promise) {
            try {
                promise.setSuccess(ns.call(host -> InetAddress.getByName(inetHost)));
            } catch (UnknownHostException | RuntimeException e) {
                promise.setFailure(e);
            }
        }

        @Override
        protected void doResolveAll(String inetHost, Promise<List<InetAddress>> promise) {
            try {
                promise.setSuccess(Arrays.asList(ns.call(host -> InetAddress.getAllByName(inetHost))));
            } catch (UnknownHostException | RuntimeException e) {
                promise.setFailure(e);
            }
        }
    }
}
