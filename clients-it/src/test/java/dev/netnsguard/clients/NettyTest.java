package dev.netnsguard.clients;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty with {@link NettyInNamespace}'s bootstraps, on NIO and on native
 * epoll: an event loop group made on the test thread serves client and server channels born inside.
 */
class NettyTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

    /** The transports under test, with their channel classes. */
    enum Transport {
        NIO(NioIoHandler::newFactory, NioSocketChannel.class, NioServerSocketChannel.class),
        EPOLL(EpollIoHandler::newFactory, EpollSocketChannel.class, EpollServerSocketChannel.class);

        final Supplier<IoHandlerFactory> handlers;
        final Class<? extends Channel> client;
        final Class<? extends ServerChannel> server;

        Transport(Supplier<IoHandlerFactory> handlers, Class<? extends Channel> client, Class<? extends ServerChannel> server) {
            this.handlers = handlers;
            this.client = client;
            this.server = server;
        }

        EventLoopGroup newGroup() {
            if (this == EPOLL) {
                // The native library in the build is for x86_64; elsewhere there is nothing to test.
                if ("amd64".equals(System.getProperty("os.arch"))) {
                    Epoll.ensureAvailability();
                } else {
                    assumeTrue(Epoll.isAvailable(), "no native epoll transport for " + System.getProperty("os.arch"));
                }
            }
            return new MultiThreadIoEventLoopGroup(2, handlers.get());
        }
    }

    private TwinHttpNamespace http;
    private EventLoopGroup group;

    @BeforeEach
    void start() throws Exception {
        http = new TwinHttpNamespace();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (group != null) {
                assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
            }
        } finally {
            if (http != null) {
                http.close();
            }
        }
    }

    /** Reads everything the peer sends until it closes the connection. */
    private static final class ReadToEnd extends ChannelInboundHandlerAdapter {
        private final StringBuilder text = new StringBuilder();
        private final CompletableFuture<String> all;
        private final String request;

        ReadToEnd(String request, CompletableFuture<String> all) {
            this.request = request;
            this.all = all;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!request.isEmpty()) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            try {
                text.append(bytes.toString(StandardCharsets.US_ASCII));
            } finally {
                bytes.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            all.complete(text.toString());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            all.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static String get(Bootstrap client, String host, int port) throws Exception {
        CompletableFuture<String> response = new CompletableFuture<>();
        String request = "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        client.clone().handler(new ReadToEnd(request, response)).connect(host, port).sync();
        return response.get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aDefaultBootstrapReachesTheLaunchNamespace(Transport transport) throws Exception {
        group = transport.newGroup();
        Bootstrap client = new Bootstrap().group(group).channel(transport.client);
        assertTrue(get(client, "127.0.0.1", http.servers.port()).endsWith(TwinHttpServers.OUTSIDE));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyConnectionOfTheBootstrapReachesTheServerInside(Transport transport) throws Exception {
        group = transport.newGroup();
        Bootstrap client = NettyInNamespace.clientIn(http.namespace.ns, group, transport.client);
        for (int i = 0; i < 3; i++) {
            String response = get(client, "127.0.0.1", http.servers.port());
            assertTrue(response.endsWith(TwinHttpServers.INSIDE), response);
        }
        String byName = get(client, NameServerInside.newName(), http.servers.port());
        assertTrue(byName.endsWith(TwinHttpServers.INSIDE), byName);
        List<Integer> ports = http.servers.insideClientPorts();
        assertEquals(4, ports.size());
        assertEquals(4, ports.stream().distinct().count(), "each connect is a new connection, all inside: " + ports);
        assertEquals(0, http.servers.outsideRequests());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aServerBootstrapListensInside(Transport transport) throws Exception {
        group = transport.newGroup();
        try (ServerSocketChannel decoy = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) decoy.getLocalAddress()).getPort();
            Channel server = NettyInNamespace.serverIn(http.namespace.ns, group, transport.server)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel accepted) {
                            accepted.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(Unpooled.copiedBuffer("netty inside", StandardCharsets.US_ASCII))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            try {
                for (int i = 0; i < 2; i++) {
                    try (SocketChannel inside = http.namespace.ns.openSocketChannel()) {
                        inside.connect(new InetSocketAddress("127.0.0.1", port));
                        assertEquals("netty inside", readToEnd(inside));
                    }
                }
                try (SocketChannel outside = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                     SocketChannel acceptedByDecoy = decoy.accept()) {
                    assertTrue(outside.isConnected());
                    assertEquals(port, ((InetSocketAddress) acceptedByDecoy.getLocalAddress()).getPort(),
                            "a client in the launch namespace reaches the decoy, not Netty");
                }
            } finally {
                server.close().sync();
            }
        }
    }

    private static String readToEnd(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        while (channel.read(buffer) >= 0) {
            assertTrue(buffer.hasRemaining(), "more than expected");
        }
        buffer.flip();
        return StandardCharsets.US_ASCII.decode(buffer).toString();
    }
}
