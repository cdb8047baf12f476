package dev.netnsguard.clients;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC over grpc-netty-shaded with {@link GrpcInNamespace}: unary RPCs from the test's thread reach
 * the gRPC server inside the namespace over one connection, not the one on the same port outside.
 */
class GrpcTest {
    @RegisterExtension
    final GuardReport guard = new GuardReport();

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
    private static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("ngtest.Where/who")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private TestNamespace namespace;
    private EventLoopGroup group;
    private Server outside;
    private Server inside;
    private final List<Integer> insideClientPorts = new CopyOnWriteArrayList<>();

    /** The service answering {@code who}, recording each caller's port. */
    private static ServerServiceDefinition where(String answer, List<Integer> clientPorts) {
        ServerServiceDefinition service = ServerServiceDefinition.builder("ngtest.Where")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(answer);
                    response.onCompleted();
                }))
                .build();
        return ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                clientPorts.add(((InetSocketAddress) call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).getPort());
                return next.startCall(call, headers);
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        namespace = new TestNamespace();
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        outside = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(where("outside", new CopyOnWriteArrayList<>())).build().start();
        inside = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", outside.getPort()))
                .channelFactory(() -> namespace.ns.call(host -> new NioServerSocketChannel()))
                .bossEventLoopGroup(group).workerEventLoopGroup(group)
                .addService(where("inside", insideClientPorts))
                .build().start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Server server : new Server[] {inside, outside}) {
                if (server != null) {
                    server.shutdownNow();
                    assertTrue(server.awaitTermination(30, TimeUnit.SECONDS));
                }
            }
            if (group != null) {
                assertTrue(group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS));
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @Test
    void rpcsReachTheServerInsideOverOneConnection() throws Exception {
        InetSocketAddress address = (InetSocketAddress) inside.getListenSockets().get(0);
        ManagedChannel channel = GrpcInNamespace.channelIn(namespace.ns, group, address);
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals("inside", ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "who?"));
            }
        } finally {
            channel.shutdownNow();
            assertTrue(channel.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(address.getPort(), outside.getPort(), "the two servers share the port");
        assertEquals(5, insideClientPorts.size());
        assertEquals(1, insideClientPorts.stream().distinct().count(), "one connection served every RPC: " + insideClientPorts);
    }

    @Test
    void aDefaultChannelReachesTheLaunchNamespace() throws Exception {
        InetSocketAddress address = (InetSocketAddress) outside.getListenSockets().get(0);
        ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(address).usePlaintext().build();
        try {
            assertEquals("outside", ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "who?"));
        } finally {
            channel.shutdownNow();
            assertTrue(channel.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
