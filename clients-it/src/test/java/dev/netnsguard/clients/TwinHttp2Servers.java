package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
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
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The oracle of the HTTP/2 tests: two cleartext HTTP/2 servers (Netty's codec; the {@code h2c} upgrade the
 * JDK HttpClient uses and the prior knowledge OkHttp uses) on the same 127.0.0.1 port, one listening
 * inside a namespace and answering {@code inside}, one in the launch namespace answering {@code outside}.
 * Each records the client port of every stream, so a test can tell how many connections carried them.
 * HTTP/1.1 requests that do not ask for an upgrade get a 505: these servers speak HTTP/2 only.
 */
final class TwinHttp2Servers implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Integer> insideClientPorts = new CopyOnWriteArrayList<>();
    private final List<Integer> outsideClientPorts = new CopyOnWriteArrayList<>();
    private final Channel outside;
    private final Channel inside;
    private final int port;

    TwinHttp2Servers(NetNS ns) throws Exception {
        Channel out = null;
        try {
            out = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new Pipeline(TwinHttpServers.OUTSIDE, outsideClientPorts))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            port = ((InetSocketAddress) out.localAddress()).getPort();
            inside = NettyInNamespace.serverIn(ns, group, NioServerSocketChannel.class)
                    .childHandler(new Pipeline(TwinHttpServers.INSIDE, insideClientPorts))
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            outside = out;
        } catch (Exception | Error e) {
            if (out != null) {
                out.close().await(10, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The client port of every stream the inside server answered, in order. */
    List<Integer> insideClientPorts() {
        return List.copyOf(insideClientPorts);
    }

    /** How many streams the launch namespace's server answered. */
    int outsideRequests() {
        return outsideClientPorts.size();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            inside.close().await(10, TimeUnit.SECONDS);
            outside.close().await(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** h2c by upgrade or by prior knowledge, each stream answered by {@link Answer}. */
    private static final class Pipeline extends ChannelInitializer<SocketChannel> {
        private final String who;
        private final List<Integer> clientPorts;

        Pipeline(String who, List<Integer> clientPorts) {
            this.who = who;
            this.clientPorts = clientPorts;
        }

        @Override
        protected void initChannel(SocketChannel channel) {
            HttpServerCodec http1 = new HttpServerCodec();
            HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                    AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                            ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), new Answer(who, clientPorts))
                            : null);
            ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Answer(who, clientPorts));
                }
            };
            channel.pipeline().addLast(new CleartextHttp2ServerUpgradeHandler(http1, upgrade, priorKnowledge),
                    new Http2Only());
        }
    }

    /** Answers each HTTP/2 stream (the upgraded request arrives as stream 1) with the server's name. */
    private static final class Answer extends SimpleChannelInboundHandler<Http2HeadersFrame> {
        private final String who;
        private final List<Integer> clientPorts;

        Answer(String who, List<Integer> clientPorts) {
            this.who = who;
            this.clientPorts = clientPorts;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2HeadersFrame request) {
            if (!request.isEndStream()) {
                return; // a request with a body: answered when it ends; these tests send none
            }
            clientPorts.add(((InetSocketAddress) ctx.channel().remoteAddress()).getPort());
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "text/plain")).stream(request.stream()));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(who, StandardCharsets.US_ASCII), true)
                    .stream(request.stream()));
        }
    }

    /** A plain HTTP/1.1 request reached past the upgrade handler: refused, so a test fails instead of waiting. */
    private static final class Http2Only extends SimpleChannelInboundHandler<HttpMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpMessage message) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 505 HTTP Version Not Supported\r\ncontent-length: 0\r\n"
                    + "connection: close\r\n\r\n", StandardCharsets.US_ASCII)).addListener(f -> ctx.close());
        }
    }
}
