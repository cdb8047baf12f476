package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.netty.NetNSChannelFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 oracle: two cleartext HTTP/2 servers speaking prior knowledge only (as OkHttp's
 * {@code H2_PRIOR_KNOWLEDGE} does; Netty's codec) on the same 127.0.0.1 port, one listening in {@code ns} and
 * answering {@value TwinServers#BLUE}, one in the launch namespace answering {@value TwinServers#LAUNCH}. Their
 * event loop is started outside scopes; the inside one's listening channel is made in {@code ns}
 * ({@code NetNSChannelFactory}).
 */
final class TwinHttp2Servers implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel launch;
    private final Channel inside;
    private final int port;

    TwinHttp2Servers(NetNS ns) throws Exception {
        Channel out = null;
        try {
            out = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new Pipeline(TwinServers.LAUNCH))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            port = ((InetSocketAddress) out.localAddress()).getPort();
            inside = new ServerBootstrap().group(group).channelFactory(new NetNSChannelFactory<>(ns, NioServerSocketChannel.class))
                    .childHandler(new Pipeline(TwinServers.BLUE))
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            launch = out;
        } catch (Exception | Error e) {
            if (out != null) {
                out.close().await(10, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() throws InterruptedException {
        try {
            inside.close().await(10, TimeUnit.SECONDS);
            launch.close().await(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** HTTP/2 by prior knowledge, each stream answered by {@link Answer}. */
    private static final class Pipeline extends ChannelInitializer<SocketChannel> {
        private final String who;

        Pipeline(String who) {
            this.who = who;
        }

        @Override
        protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Answer(who));
        }
    }

    /** Answers each HTTP/2 stream with the server's name. */
    private static final class Answer extends SimpleChannelInboundHandler<Http2HeadersFrame> {
        private final String who;

        Answer(String who) {
            this.who = who;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2HeadersFrame request) {
            if (!request.isEndStream()) {
                return; // a request with a body: these tests send none
            }
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "text/plain")).stream(request.stream()));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(who, StandardCharsets.US_ASCII), true)
                    .stream(request.stream()));
        }
    }
}
