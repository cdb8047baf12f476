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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import org.junit.jupiter.api.Assumptions;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Netty's transports the tests run on: NIO (JDK sockets), native epoll and io_uring (sockets made in JNI). */
enum Transport {
    NIO(NioIoHandler::newFactory, NioSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollSocketChannel.class),
    /** Netty 4.2's io_uring: sockets made in JNI as epoll's, but connects, reads and writes go through the ring. */
    IO_URING(IoUringIoHandler::newFactory, IoUringSocketChannel.class);

    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends SocketChannel> channelClass;

    Transport(Supplier<IoHandlerFactory> handlers, Class<? extends SocketChannel> channelClass) {
        this.handlers = handlers;
        this.channelClass = channelClass;
    }

    /**
     * Skips the test where the kernel refuses io_uring (a container's seccomp profile, the
     * {@code kernel.io_uring_disabled} sysctl): the transport cannot run there at all.
     */
    private IoHandlerFactory handlers() {
        if (this == IO_URING) {
            Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        }
        return handlers.get();
    }

    /** A group of one event loop whose thread is started now, by the calling thread. */
    EventLoopGroup startedGroup() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlers());
        group.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return group;
    }

    /** A group of one event loop not started yet: its thread starts with the first task handed to it. */
    EventLoopGroup lazyGroup() {
        return new MultiThreadIoEventLoopGroup(1, handlers());
    }

    /** A group of one event loop on {@code threads}, not started yet. */
    EventLoopGroup groupOn(ThreadFactory threads) {
        return new MultiThreadIoEventLoopGroup(1, threads, handlers());
    }

    Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    /** Channels made on the calling thread. */
    ChannelFactory<? extends SocketChannel> channels() {
        return new ReflectiveChannelFactory<>(channelClass);
    }
}
