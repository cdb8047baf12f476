package dev.netnsguard.netty;

import dev.netnsguard.NetNS;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import java.util.Objects;

/**
 * A Netty {@link ChannelFactory} whose channels are born in a network namespace: each channel is
 * constructed inside {@link NetNS#call}, so the socket its constructor creates (through
 * {@code SelectorProvider} for NIO, natively for epoll and io_uring) lives in that namespace. The
 * channel is then registered on whatever event loop the bootstrap gives it, created on any thread,
 * and every connect, bind or accept it does happens in the namespace it was born in. Reconnects
 * through the same bootstrap ask this factory again, so they stay in the namespace too.
 *
 * <pre>{@code
 * Bootstrap client = new Bootstrap()
 *         .group(group)                                          // made anywhere, shared freely
 *         .channelFactory(new NetNSChannelFactory<>(ns, NioSocketChannel.class))
 *         .resolver(new NetNSAddressResolverGroup(ns))           // host names resolved inside ns
 *         .handler(handler);
 * ServerBootstrap server = new ServerBootstrap()
 *         .group(group)
 *         .channelFactory(new NetNSChannelFactory<>(ns, EpollServerSocketChannel.class))
 *         .childHandler(childHandler);
 * }</pre>
 *
 * <p>Channels accepted by a server channel born in the namespace are in the namespace too (the
 * kernel puts them there), so a {@code ServerBootstrap} needs this factory for its parent channel
 * only. The handle must stay open as long as the bootstrap may make channels: a channel asked of a
 * closed handle fails the bootstrap's {@code connect} or {@code bind} future with the handle's
 * {@link dev.netnsguard.NetNSClosedException}.
 *
 * @param <T> the type of channel made
 */
public final class NetNSChannelFactory<T extends Channel> implements ChannelFactory<T> {
    private final NetNS ns;
    private final ChannelFactory<? extends T> channels;

    /**
     * Channels of {@code channelClass}, made through its public no-argument constructor inside
     * {@code ns}, as Netty's {@code Bootstrap.channel(Class)} makes them on the calling thread.
     *
     * @throws IllegalArgumentException if {@code channelClass} has no public no-argument constructor
     */
    public NetNSChannelFactory(NetNS ns, Class<? extends T> channelClass) {
        this(ns, new ReflectiveChannelFactory<>(Objects.requireNonNull(channelClass, "channelClass")));
    }

    /** The channels {@code channels} makes, each made inside {@code ns}. */
    public NetNSChannelFactory(NetNS ns, ChannelFactory<? extends T> channels) {
        this.ns = Objects.requireNonNull(ns, "ns");
        this.channels = Objects.requireNonNull(channels, "channels");
    }

    /**
     * A new channel, constructed on one of the namespace's threads.
     *
     * @throws dev.netnsguard.NetNSClosedException if the handle is closed
     */
    @Override
    public T newChannel() {
        return ns.call(host -> channels.newChannel());
    }

    /** The namespace this factory makes its channels in. */
    public NetNS namespace() {
        return ns;
    }

    /** {@code NetNSChannelFactory[blue net:[4026532481], ReflectiveChannelFactory(NioSocketChannel.class)]}. */
    @Override
    public String toString() {
        return "NetNSChannelFactory[" + ns + ", " + channels + "]";
    }
}
