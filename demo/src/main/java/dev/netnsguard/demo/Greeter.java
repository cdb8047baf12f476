package dev.netnsguard.demo;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A one-line greeting service: answers each connection with a line and closes it. */
final class Greeter {
    private Greeter() {}

    /** Serves until {@code server} is closed. */
    static void serve(ServerSocketChannel server, String greeting) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                client.write(ByteBuffer.wrap((greeting + "\n").getBytes(StandardCharsets.UTF_8)));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Connects a new socket (in the calling thread's namespace) and reads the greeting. */
    static String ask(SocketAddress address) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            return ask(channel, address);
        }
    }

    /** Connects {@code channel}, wherever it was born, and reads the greeting. */
    static String ask(SocketChannel channel, SocketAddress address) throws IOException {
        channel.connect(address);
        ByteBuffer in = ByteBuffer.allocate(256);
        while (channel.read(in) >= 0 && in.position() < in.capacity()) {
            if (in.position() > 0 && in.get(in.position() - 1) == '\n') {
                break;
            }
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
    }
}
