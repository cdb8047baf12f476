package dev.netnsguard.agent.it;

import dev.netnsguard.NetNS;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static dev.netnsguard.agent.it.Scenario.attempt;
import static dev.netnsguard.agent.it.Scenario.counts;
import static dev.netnsguard.agent.it.Scenario.result;

/**
 * What {@link FirstLineIT} forks: {@code FirstLineMain misuse|correct <namespace name> <port>}. Its
 * network code runs at once, as the first thing {@code main} does, while the agent's install has just
 * returned: anything the agent left for later would miss it. The misuse opens a socket, in the launch
 * namespace, and connects it inside a scope of the named namespace to 127.0.0.1:port (reaching the
 * launch namespace's server, not the one the scope means); the correct program opens it inside the scope.
 */
public final class FirstLineMain {
    private FirstLineMain() {}

    public static void main(String[] args) throws Throwable {
        if (args[0].equals("misuse")) {
            misuse(args[1], Integer.parseInt(args[2]));
        } else {
            correct(args[1], Integer.parseInt(args[2]));
        }
        counts();
        result("done", "true");
    }

    private static void misuse(String name, int port) throws Throwable {
        try (SocketChannel launchBorn = SocketChannel.open(); NetNS ns = NetNS.openNamed(name)) {
            attempt("connect", () -> {
                result("answer", ns.call(host -> greeting(launchBorn, port)));
                return null;
            });
        }
    }

    private static void correct(String name, int port) throws Throwable {
        try (NetNS ns = NetNS.openNamed(name)) {
            attempt("connect", () -> {
                result("answer", ns.call(host -> {
                    try (SocketChannel inside = SocketChannel.open()) {
                        return greeting(inside, port);
                    }
                }));
                return null;
            });
        }
    }

    /** Connects to 127.0.0.1:port and reads what the server there says before it closes. */
    private static String greeting(SocketChannel channel, int port) throws IOException {
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64);
        while (channel.read(buffer) >= 0) {
            said.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return said.toString(StandardCharsets.US_ASCII);
    }
}
