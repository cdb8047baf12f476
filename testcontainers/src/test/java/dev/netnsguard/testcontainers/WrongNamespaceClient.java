package dev.netnsguard.testcontainers;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSViolationError;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Run by {@link GuardFlagsWrongNamespaceTest} in a JVM started with the netns-guard agent in strict
 * mode: connects to the container's loopback server the wrong way (a socket created in the host's
 * namespace, connected inside the container's {@code call}), then the right way (a socket born in the
 * container's namespace), and prints what happened.
 *
 * <p>Arguments: the container's PID, the server's port.
 */
public final class WrongNamespaceClient {
    private WrongNamespaceClient() {}

    public static void main(String[] args) throws Exception {
        long pid = Long.parseLong(args[0]);
        int port = Integer.parseInt(args[1]);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        try (NetNS container = NetNS.ofPid(pid)) {
            System.out.println("CONTAINER " + container.inode());

            SocketChannel wrong = SocketChannel.open();               // created here: the host's namespace
            try {
                container.call(host -> wrong.connect(server));        // connected inside the container's scope
                System.out.println("WRONG not flagged");
            } catch (NetNSViolationError e) {
                System.out.println("WRONG flagged " + e.kind() + " " + e.getMessage());
            } catch (Exception e) {
                System.out.println("WRONG failed " + e);
            } finally {
                wrong.close();
            }

            try (SocketChannel right = container.openSocketChannel()) {   // born in the container's namespace
                right.connect(server);
                right.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer reply = ByteBuffer.allocate(4096);
                while (right.read(reply) >= 0 && reply.hasRemaining()) {
                    // read to the end
                }
                String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
                System.out.println("RIGHT " + text.substring(text.indexOf("\r\n\r\n") + 4).trim());
            }
        }
    }
}
