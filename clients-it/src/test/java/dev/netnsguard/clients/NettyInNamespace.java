package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.netty.NetNSAddressResolverGroup;
import dev.netnsguard.netty.NetNSChannelFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

/** Netty bootstraps whose channels are born in a namespace, served by an event loop group made anywhere. */
final class NettyInNamespace {
    private NettyInNamespace() {}

    /** {@code channels}: NioSocketChannel.class, EpollSocketChannel.class, ... matching the group's transport. */
    static Bootstrap clientIn(NetNS ns, EventLoopGroup group, Class<? extends Channel> channels) {
        return new Bootstrap()
                .group(group)
                .channelFactory(new NetNSChannelFactory<>(ns, channels))
                .resolver(new NetNSAddressResolverGroup(ns));
    }

    /** Accepted channels are in the namespace of the listening one: only the parent needs the factory. */
    static ServerBootstrap serverIn(NetNS ns, EventLoopGroup group, Class<? extends ServerChannel> channels) {
        return new ServerBootstrap()
                .group(group)
                .channelFactory(new NetNSChannelFactory<>(ns, channels));
    }
}
