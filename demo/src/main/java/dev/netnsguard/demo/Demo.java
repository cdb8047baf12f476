package dev.netnsguard.demo;

import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSException;
import dev.netnsguard.netlink.Netlink;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first thing a newcomer runs: a namespace comes up, a server starts inside it, it is reached
 * the right way (from inside, through {@code call}) and refused the wrong way (from the host).
 *
 * <p>Run as root: {@code demo/run.sh [--keep] [--help]}.
 */
public final class Demo {
    static final String PREFIX = "ngdemo-";
    static final String BLUE = PREFIX + "blue";

    private final Terminal terminal;
    private final boolean keep;

    Demo(Terminal terminal, boolean keep) {
        this.terminal = terminal;
        this.keep = keep;
    }

    public static void main(String[] args) throws Exception {
        Terminal terminal = new Terminal(System.out);
        boolean keep = false;
        for (String arg : args) {
            switch (arg) {
                case "--keep":
                    keep = true;
                    break;
                case "--help":
                case "-h":
                    usage(terminal);
                    return;
                default:
                    System.err.println("netns-guard demo: unknown option " + arg + " (see --help)");
                    System.exit(2);
            }
        }
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            System.err.println("netns-guard demo: must run as root: it creates network namespaces, which needs"
                    + " CAP_SYS_ADMIN. Try: sudo demo/run.sh");
            System.exit(1);
        }
        System.exit(new Demo(terminal, keep).run());
    }

    private static void usage(Terminal terminal) {
        terminal.line("usage: demo/run.sh [--keep] [--help]");
        terminal.line("  --keep   leave the demo's namespaces (" + PREFIX + "*) for inspection with `ip netns`");
        terminal.line("  --help   this text");
        terminal.line("Runs as root. Whatever happens, it deletes what it created unless --keep is given.");
    }

    int run() throws Exception {
        terminal.title("netns-guard demo");
        removeLeftovers();
        Thread cleanup = new Thread(this::deleteNamespaces, "netns-guard-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (NetNS blue = NetNS.createNamed(BLUE)) {
            return showServerInside(blue) ? 0 : 1;
        } finally {
            deleteNamespaces();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private boolean showServerInside(NetNS blue) throws Exception {
        terminal.section("a namespace and a server inside it");
        terminal.ok("created " + BLUE, blue.toString());
        try (Netlink netlink = Netlink.open(blue)) {
            netlink.setUp("lo");
            terminal.ok("loopback up inside " + BLUE, "lo is " + (netlink.link("lo").isUp() ? "up" : "down") + " (netlink)");
        }
        try (ServerSocketChannel server = blue.openServerSocketChannel()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            terminal.ok("server born in " + BLUE, "listening on " + address + ", " + NetNS.of(server));
            Thread acceptor = new Thread(() -> Greeter.serve(server, "hello from " + BLUE), "demo-greeter");
            acceptor.setDaemon(true);
            acceptor.start();

            String reply = blue.call(host -> Greeter.ask(address));
            terminal.ok("reached through blue.call(...)", "\"" + reply + "\"");

            boolean refused;
            try (SocketChannel fromHost = SocketChannel.open(address)) {
                refused = false;
            } catch (ConnectException expected) {
                refused = true;
            }
            if (refused) {
                terminal.ok("from the host namespace", "connection refused, as it should be");
            } else {
                terminal.failed("from the host namespace", "connected: the server is not isolated");
            }
            return refused && reply.equals("hello from " + BLUE);
        }
    }

    private void removeLeftovers() {
        for (String name : NetNS.listNamed()) {
            if (name.startsWith(PREFIX)) {
                NetNS.deleteNamed(name);
                terminal.note("removed " + name + ", left by an earlier interrupted run");
            }
        }
    }

    private void deleteNamespaces() {
        if (keep) {
            terminal.note("kept " + BLUE + " (--keep): inspect with `ip netns list`, remove with `ip netns delete`");
            return;
        }
        for (String name : List.of(BLUE)) {
            try {
                NetNS.deleteNamed(name);
            } catch (NetNSException alreadyGone) {
                // deleted by the first of finally and the shutdown hook
            }
        }
    }

    /** A one-line greeting service: answers each connection with a line and closes it. */
    static final class Greeter {
        private Greeter() {}

        static void serve(ServerSocketChannel server, String greeting) {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    client.write(ByteBuffer.wrap((greeting + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        static String ask(InetSocketAddress address) throws IOException {
            try (SocketChannel channel = SocketChannel.open(address)) {
                ByteBuffer in = ByteBuffer.allocate(256);
                while (channel.read(in) >= 0 && in.position() < in.capacity()) {
                    if (in.position() > 0 && in.get(in.position() - 1) == '\n') {
                        break;
                    }
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
            }
        }
    }
}
