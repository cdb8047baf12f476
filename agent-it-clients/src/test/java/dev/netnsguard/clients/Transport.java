package dev.netnsguard.clients;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Netty's transports the tests run on: NIO (JDK sockets) and native epoll (sockets made in JNI). */
enum Transport {
    NIO(NioIoHandler::newFactory, NioSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollSocketChannel.class);

    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends SocketChannel> channelClass;

    Transport(Supplier<IoHandlerFactory> handlers, Class<? extends SocketChannel> channelClass) {
        this.handlers = handlers;
        this.channelClass = channelClass;
    }

    /** A group of one event loop whose thread is started now, by the calling thread. */
    EventLoopGroup startedGroup() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlers.get());
        group.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return group;
    }

    /** A group of one event loop not started yet: its thread starts with the first task handed to it. */
    EventLoopGroup lazyGroup() {
        return new MultiThreadIoEventLoopGroup(1, handlers.get());
    }

    /** A group of one event loop on {@code threads}, not started yet. */
    EventLoopGroup groupOn(ThreadFactory threads) {
        return new MultiThreadIoEventLoopGroup(1, threads, handlers.get());
    }

    Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    /** Channels made on the calling thread. */
    ChannelFactory<? extends SocketChannel> channels() {
        return new ReflectiveChannelFactory<>(channelClass);
    }
}
