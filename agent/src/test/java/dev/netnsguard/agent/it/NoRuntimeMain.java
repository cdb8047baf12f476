package dev.netnsguard.agent.it;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A forked JVM without the runtime on its class path: a thread moved with a raw setns (through JNA,
 * as any native library could) opens a socket. Every thread expects the launch namespace, and strict
 * mode throws the bootstrap copy of NetNSViolationError. Arguments: the namespace's path, and
 * {@code twice} to open the socket twice (in report mode).
 */
public final class NoRuntimeMain {
    public interface LibC extends Library {
        int open(String path, int flags);

        int setns(int fd, int nstype);
    }

    private NoRuntimeMain() {}

    public static void main(String[] args) throws Exception {
        LibC libc = Native.load("c", LibC.class);
        AtomicReference<String> outcome = new AtomicReference<>("none");
        Thread thread = new Thread(() -> {
            int fd = libc.open(args[0], 0x80000 /* O_CLOEXEC */);
            if (fd < 0 || libc.setns(fd, 0x40000000 /* CLONE_NEWNET */) != 0) {
                outcome.set("setns failed");
                return;
            }
            try {
                SocketChannel.open().close();
                if (args.length > 1 && args[1].equals("twice")) {
                    SocketChannel.open().close();
                }
                outcome.set("ran");
            } catch (dev.netnsguard.NetNSViolationError e) {
                outcome.set("thrown " + e.kind() + " loader=" + e.getClass().getClassLoader());
            } catch (Exception e) {
                outcome.set(e.toString());
            }
        }, "ngtest-raw");
        thread.start();
        thread.join();
        System.out.println("RESULT outcome=" + outcome.get());
        System.out.println("RESULT runtimeAbsent=" + (NoRuntimeMain.class.getClassLoader().getResource("dev/netnsguard/NetNS.class") == null));
        System.out.println("RESULT done=true");
    }
}
