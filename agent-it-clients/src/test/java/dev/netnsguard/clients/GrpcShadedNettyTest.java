package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;
import dev.netnsguard.netlink.Netlink;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC over grpc-netty-shaded, whose Netty is relocated to {@code io.grpc.netty.shaded.io.netty}: the guard
 * matches the relocated event loop classes as the original ones. A channel connected outside any scope and
 * then called from inside {@code ns.call} of another namespace sends the RPC over its HTTP/2 connection of
 * the launch namespace (gRPC hands the write to the shaded event loop), and the launch server answers; with
 * the scope carried to the loop the write is {@code SOCKET_IO}. Twin gRPC servers on one 127.0.0.1 port,
 * one per namespace, prove where each RPC went. The mirrored programs stay silent in strict mode.
 */
class GrpcShadedNettyTest {
    private static final String LAUNCH = "launch";
    private static final String BLUE = "blue";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> WHERE = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("ngtest.Where/where")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private static String name;
    private static NetNS blue;
    private static EventLoopGroup serverGroup;
    private static Server launchServer;
    private static Server blueServer;
    private EventLoopGroup clientGroup;
    private ManagedChannel channel;

    @BeforeAll
    static void startServers() throws Exception {
        name = "ngtest-nt-grpc-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        blue = NetNS.createNamed(name);
        try (Netlink netlink = Netlink.open(blue)) {
            netlink.setUp("lo");
        }
        serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        launchServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .channelType(NioServerSocketChannel.class).bossEventLoopGroup(serverGroup).workerEventLoopGroup(serverGroup)
                .addService(where(LAUNCH)).build().start();
        blueServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", launchServer.getPort()))
                .channelFactory(() -> blue.call(host -> new NioServerSocketChannel()))
                .bossEventLoopGroup(serverGroup).workerEventLoopGroup(serverGroup)
                .addService(where(BLUE)).build().start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            for (Server server : new Server[] {blueServer, launchServer}) {
                if (server != null) {
                    server.shutdownNow();
                    server.awaitTermination(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
            if (serverGroup != null) {
                serverGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            blue.close();
            NetNS.deleteNamed(name);
        }
    }

    private static ServerServiceDefinition where(String answer) {
        return ServerServiceDefinition.builder("ngtest.Where")
                .addMethod(WHERE, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(answer);
                    response.onCompleted();
                }))
                .build();
    }

    @BeforeEach
    void startClientLoop() throws Exception {
        clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        clientGroup.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeClient() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        clientGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        assertEquals(Map.of(), NetnsGuard.hookFailures(), "no hook failed inside Netty's own work");
    }

    @Test
    void anRpcOverAConnectionOfTheLaunchNamespaceInsideAScopeOfAnotherIsReported() throws Exception {
        NetnsGuard.install("mode=report,log=none");
        NetnsGuard.resetCounters();
        channel = launchChannel();
        assertEquals(LAUNCH, call(channel));
        quiesce();

        String inside = blue.call(host -> call(channel));

        assertEquals(LAUNCH, inside, "the misuse happened: the launch server answered an RPC made in blue");
        Map<String, Long> reported = new TreeMap<>(NetnsGuard.counts());
        reported.values().removeIf(n -> n == 0);
        assertEquals(Set.of("SOCKET_IO"), reported.keySet(), "only SOCKET_IO reports: " + reported);
        List<Violation> io = NetnsGuard.recentViolations().stream().filter(v -> v.kind().equals("SOCKET_IO")).toList();
        assertTrue(!io.isEmpty(), "the write was reported");
        for (Violation v : io) {
            assertEquals(blue.inode(), v.expected(), v.toString());
            assertEquals(NetnsGuard.launchInode(), v.actual(), v.toString());
            assertTrue(v.stack().stream().anyMatch(frame -> frame.startsWith("io.grpc.netty.shaded.io.netty.")), v.toString());
            // handed over by the RPC's thread, or by a flush carried from it (gRPC's WriteQueue reschedules
            // itself from the loop while writes are pending: that flush carries blue's scope on)
            assertTrue(v.submittedFrom() != null && v.submittedFrom().stream().anyMatch(frame ->
                    frame.startsWith(GrpcShadedNettyTest.class.getName()) || frame.startsWith(CARRIED_RUN)), v.toString());
        }
        assertTrue(io.stream().anyMatch(v -> v.submittedFrom().stream().anyMatch(frame ->
                frame.startsWith(GrpcShadedNettyTest.class.getName()))), "the first hand-over is the RPC's: " + io);
    }

    /** The frame of a task run with the scope it was handed over in. */
    private static final String CARRIED_RUN = "dev.netnsguard.agent.bootstrap.Propagation$CarriedRunnable.run";

    @Test
    void strictModeFailsTheRpc() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        channel = launchChannel();
        assertEquals(LAUNCH, call(channel));
        quiesce();

        assertThrows(StatusRuntimeException.class, () -> blue.call(host -> call(channel)));

        assertTrue(NetnsGuard.violations("SOCKET_IO") >= 1, NetnsGuard.recentViolations().toString());
        assertEquals(NetnsGuard.violations("SOCKET_IO"), NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    @Test
    void aChannelOfTheNamespaceCalledInsideItsScopeIsSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", launchServer.getPort()))
                .channelFactory(() -> blue.call(host -> new NioSocketChannel()))
                .eventLoopGroup(clientGroup).usePlaintext().build();

        List<String> answers = blue.call(host -> List.of(call(channel), call(channel)));

        assertEquals(List.of(BLUE, BLUE), answers);
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    @Test
    void aChannelCalledOutsideScopesOnlyIsSilent() throws Exception {
        NetnsGuard.install("mode=strict,log=none");
        NetnsGuard.resetCounters();
        channel = launchChannel();

        List<String> answers = List.of(call(channel), call(channel));

        assertEquals(List.of(LAUNCH, LAUNCH), answers);
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }

    /**
     * Lets the event loop finish what the first RPC left it: gRPC coalesces writes, and commands queued while
     * a flush handed over outside any scope is still running are written by that flush, with no scope.
     */
    private void quiesce() throws Exception {
        clientGroup.submit(() -> { }).get(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private ManagedChannel launchChannel() {
        return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", launchServer.getPort()))
                .channelType(NioSocketChannel.class).eventLoopGroup(clientGroup).usePlaintext().build();
    }

    private static String call(ManagedChannel channel) {
        return ClientCalls.blockingUnaryCall(channel, WHERE,
                CallOptions.DEFAULT.withDeadlineAfter(NettyHttp.TIMEOUT_SECONDS, TimeUnit.SECONDS), "where?");
    }
}
