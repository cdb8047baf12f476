package dev.netnsguard.demo;

import java.io.IOException;

/** Brings the loopback link up in the calling thread's namespace. */
final class Loopback {
    private Loopback() {}

    static void up() throws IOException, InterruptedException {
        Process ip = new ProcessBuilder("ip", "link", "set", "lo", "up").inheritIO().start();
        if (ip.waitFor() != 0) {
            throw new IOException("ip link set lo up exited " + ip.exitValue());
        }
    }
}
