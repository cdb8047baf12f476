package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;

/** A gRPC channel (grpc-netty-shaded) whose every connection, reconnects included, is born in a namespace. */
final class GrpcInNamespace {
    private GrpcInNamespace() {}

    /**
     * {@code group}: a shaded NIO event loop group, made anywhere. The address is given as a socket
     * address, so gRPC's DNS resolver, which would look a name up on gRPC's own threads, is not used.
     */
    static ManagedChannel channelIn(NetNS ns, EventLoopGroup group, InetSocketAddress server) {
        return NettyChannelBuilder.forAddress(server)
                .channelFactory(() -> ns.call(host -> new NioSocketChannel()))
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
    }
}
