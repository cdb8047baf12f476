package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.netty.NetNSChannelFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;

import java.net.SocketAddress;

/**
 * A Vertx whose every socket (client connections, servers, its DNS resolver's datagram channel) is born in a
 * namespace, served by event loops made anywhere: Vert.x makes its channels through its transport, so a
 * transport that makes NIO's channels inside the namespace binds the whole Vertx to it.
 */
final class VertxInNamespace {
    private VertxInNamespace() {}

    /** A Vertx on NIO whose sockets are born in {@code ns}; keep {@code ns} open while it runs. */
    static Vertx vertxIn(NetNS ns, VertxOptions options) {
        Transport nio = io.vertx.core.transport.Transport.NIO.implementation();
        Transport inside = new SocketsIn(ns, nio);
        return Vertx.builder().with(options).withTransport(new io.vertx.core.transport.Transport() {
            @Override
            public String name() {
                return "nio in " + ns;
            }

            @Override
            public boolean available() {
                return true;
            }

            @Override
            public Throwable unavailabilityCause() {
                return null;
            }

            @Override
            public Transport implementation() {
                return inside;
            }
        }).build();
    }

    /** NIO's transport with every inet channel made inside the namespace; the rest is NIO's own. */
    private static final class SocketsIn implements Transport {
        private final NetNS ns;
        private final Transport nio;

        SocketsIn(NetNS ns, Transport nio) {
            this.ns = ns;
            this.nio = nio;
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return nio.ioHandlerFactory();
        }

        @Override
        public DatagramChannel datagramChannel() {
            return ns.call(host -> nio.datagramChannel());
        }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return ns.call(host -> nio.datagramChannel(family));
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return domainSocket ? nio.channelFactory(true) : new NetNSChannelFactory<>(ns, nio.channelFactory(false));
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return domainSocket ? nio.serverChannelFactory(true) : new NetNSChannelFactory<>(ns, nio.serverChannelFactory(false));
        }

        @Override
        public boolean supportsDomainSockets() {
            return nio.supportsDomainSockets();
        }

        @Override
        public boolean supportFileRegion() {
            return nio.supportFileRegion();
        }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            nio.configure(channel, options);
        }

        @Override
        public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
            nio.configure(options, connectTimeout, domainSocket, bootstrap);
        }

        @Override
        public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
            nio.configure(options, domainSocket, bootstrap);
        }
    }
}
