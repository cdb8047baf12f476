package dev.netnsguard.agent.it;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * For each operation, a thread whose guard cache is warm (it made sockets and lookups before) is moved
 * by a raw {@code setns(2)} through JNA, behind the runtime's back, then does that one network operation.
 * Arguments: the namespace's path, the operations separated by commas ({@code socket bind connect send
 * process dns}), {@code back} to switch back to the launch namespace before each operation, and
 * {@code runtime} to load the runtime first. Prints {@code RESULT outcome.<op>=...} and {@code kinds.<op>=...}.
 */
public final class NativeSwitchMain {
    interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);
    }

    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private NativeSwitchMain() {}

    public static void main(String[] args) throws Exception {
        String path = args[0];
        boolean back = java.util.List.of(args).contains("back");
        if (java.util.List.of(args).contains("runtime")) {
            Scenario.result("runtime.scope", dev.netnsguard.NetNS.scopeName().isPresent());
        }
        LibC libc = Native.load("c", LibC.class);
        for (String op : args[1].split(",")) {
            long before = dev.netnsguard.agent.NetnsGuard.violations();
            AtomicReference<String> outcome = new AtomicReference<>("none");
            Thread thread = new Thread(() -> outcome.set(switchAndOperate(libc, path, op, back)), "ngtest-native-" + op);
            thread.start();
            thread.join();
            Scenario.result("outcome." + op, outcome.get());
            java.util.List<dev.netnsguard.agent.Violation> recent = dev.netnsguard.agent.NetnsGuard.recentViolations();
            int added = (int) (dev.netnsguard.agent.NetnsGuard.violations() - before);
            Scenario.result("kinds." + op, recent.subList(recent.size() - added, recent.size()).stream()
                    .map(v -> v.kind()).distinct().sorted().toList());
        }
        Scenario.result("violations", dev.netnsguard.agent.NetnsGuard.violations());
        Scenario.result("done", "true");
    }

    private static String switchAndOperate(LibC libc, String path, String op, boolean back) {
        try {
            for (int i = 0; i < 5; i++) { // warm: the per-thread cache says "launch namespace"
                SocketChannel.open().close();
                InetAddress.getByName("localhost");
            }
            int launch = libc.open("/proc/thread-self/ns/net", O_CLOEXEC);
            int target = libc.open(path, O_CLOEXEC);
            if (launch < 0 || target < 0 || libc.setns(target, CLONE_NEWNET) != 0
                    || back && libc.setns(launch, CLONE_NEWNET) != 0) {
                return "setns failed";
            }
            operate(op);
            return "ran";
        } catch (dev.netnsguard.NetNSViolationError e) {
            return "thrown " + e.kind();
        } catch (Exception e) {
            return "ran, failed with " + e.getClass().getSimpleName();
        }
    }

    private static void operate(String op) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        switch (op) {
            case "socket" -> SocketChannel.open().close();
            case "bind" -> {
                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                }
            }
            case "connect" -> {
                try (SocketChannel channel = SocketChannel.open()) {
                    channel.connect(loopback);
                }
            }
            case "send" -> {
                try (DatagramChannel channel = DatagramChannel.open()) {
                    channel.send(ByteBuffer.wrap(new byte[] {1}), loopback);
                }
            }
            case "process" -> new ProcessBuilder("true").start().waitFor();
            case "dns" -> InetAddress.getAllByName("ngtest-uncached-" + System.nanoTime() + ".invalid");
            default -> throw new IllegalArgumentException(op);
        }
    }
}
