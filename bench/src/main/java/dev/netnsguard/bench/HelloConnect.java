package dev.netnsguard.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A JVM whose {@code main} makes one loopback TCP connection, sends a byte over it and exits: what
 * {@link StartupMain} times beside {@link Hello}, because the guard instruments the socket classes when
 * the JDK first loads them, and that cost lands on the first connection, not before {@code main}.
 */
public final class HelloConnect {
    private HelloConnect() {}

    public static void main(String[] args) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                 SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {1}));
                if (accepted.read(ByteBuffer.allocate(1)) != 1) {
                    throw new IOException("the byte sent over loopback did not arrive");
                }
            }
        }
        System.out.println("hello");
    }
}
