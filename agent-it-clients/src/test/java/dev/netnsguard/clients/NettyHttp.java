package dev.netnsguard.clients;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One keep-alive HTTP/1.1 connection made with Netty's own client codec: requests are written from the
 * calling thread (Netty hands the write to the channel's event loop) and answered in order.
 */
final class NettyHttp implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 10;

    private final Channel channel;
    private final ConcurrentLinkedQueue<CompletableFuture<String>> pending;
    private ChannelFuture connected;

    private NettyHttp(ChannelFuture started, ConcurrentLinkedQueue<CompletableFuture<String>> pending) {
        this.channel = started.channel();
        this.connected = started;
        this.pending = pending;
    }

    /** Connects on the calling thread (the channel, hence its socket, is made here) to {@code port} of 127.0.0.1. */
    static NettyHttp connect(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channels, int port)
            throws InterruptedException {
        return begin(group, channels, port).awaitConnected();
    }

    /** Makes the channel on the calling thread and starts connecting it; {@link #awaitConnected} waits. */
    static NettyHttp begin(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channels, int port) {
        ConcurrentLinkedQueue<CompletableFuture<String>> pending = new ConcurrentLinkedQueue<>();
        return new NettyHttp(bootstrap(group, channels, pending).connect(new InetSocketAddress("127.0.0.1", port)), pending);
    }

    /** Makes the channel on the calling thread and registers it with its event loop, unconnected. */
    static NettyHttp registered(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channels)
            throws InterruptedException {
        ConcurrentLinkedQueue<CompletableFuture<String>> pending = new ConcurrentLinkedQueue<>();
        NettyHttp client = new NettyHttp(bootstrap(group, channels, pending).register(), pending);
        return client.awaitConnected();
    }

    /** Connects a {@link #registered} channel to {@code port} of 127.0.0.1 (Netty hands it to the event loop). */
    NettyHttp connect(int port) {
        connected = channel.connect(new InetSocketAddress("127.0.0.1", port));
        return this;
    }

    /** Waits for the connect (or registration) started last. */
    NettyHttp awaitConnected() throws InterruptedException {
        if (!connected.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            channel.close();
            throw new IllegalStateException("no connection within " + TIMEOUT_SECONDS + " s: " + channel);
        }
        if (!connected.isSuccess()) {
            throw new IllegalStateException("cannot connect " + channel, connected.cause());
        }
        return this;
    }

    private static Bootstrap bootstrap(EventLoopGroup group, ChannelFactory<? extends SocketChannel> channels,
            ConcurrentLinkedQueue<CompletableFuture<String>> pending) {
        return new Bootstrap().group(group).channelFactory(channels)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                        CompletableFuture<String> answer = pending.poll();
                                        if (answer != null) {
                                            answer.complete(response.content().toString(StandardCharsets.US_ASCII));
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        pending.forEach(answer -> answer.completeExceptionally(cause));
                                        ctx.close();
                                    }
                                });
                    }
                });
    }

    /** The channel, for tests that hand work to its event loop themselves. */
    Channel channel() {
        return channel;
    }

    /** Sends {@code GET /} from the calling thread and waits for the answer's body. */
    String get() throws Exception {
        return answer(send());
    }

    /** Sends {@code GET /} and returns the write's future and the answer's. */
    Sent send() {
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.add(answer);
        return new Sent(channel.writeAndFlush(request()), answer);
    }

    /** A request written, and its answer to come. */
    record Sent(ChannelFuture written, CompletableFuture<String> answer) {}

    /** Waits for the answer of {@code sent}. */
    static String answer(Sent sent) throws Exception {
        return sent.answer().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set(HttpHeaderNames.HOST, "127.0.0.1")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE)
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return request;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
