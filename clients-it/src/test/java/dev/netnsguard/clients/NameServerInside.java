package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server (dnsmasq) inside a namespace, at the address the JVM's resolver asks
 * ({@code /etc/resolv.conf}'s first name server, added to the namespace's loopback), answering
 * every name under {@value #DOMAIN} with 127.0.0.1. Those names exist only inside: a client that
 * resolves one and reaches the server inside proves it resolved the name inside the namespace.
 * Every name handed out is new, so the JVM-wide {@code InetAddress} cache never answers for it.
 */
final class NameServerInside implements AutoCloseable {
    static final String DOMAIN = "ngtest-cl.example";
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final Process dnsmasq;
    private final Path pidFile;

    NameServerInside(NetNS ns) throws IOException, InterruptedException {
        InetAddress resolver = resolverAddress();
        if (!resolver.isLoopbackAddress()) {
            try (Netlink nl = Netlink.open(ns)) {
                nl.addAddress("lo", resolver, resolver instanceof Inet6Address ? 128 : 32);
            }
        }
        pidFile = Files.createTempFile("ngtest-cl-dnsmasq-", ".pid");
        ProcessBuilder server = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + resolver.getHostAddress(),
                "--port=53", "--address=/" + DOMAIN + "/127.0.0.1", "--pid-file=" + pidFile, "--log-facility=-")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        dnsmasq = ns.call(host -> server.start());
        try {
            awaitListening(ns, dnsmasq);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A name that resolves to 127.0.0.1 inside the namespace only, never asked before. */
    static String newName() {
        return "svc-" + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet() + "." + DOMAIN;
    }

    private static InetAddress resolverAddress() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                return InetAddress.getByName(words[1]);
            }
        }
        // Without a nameserver line, glibc asks the local host.
        return InetAddress.getByName("127.0.0.1");
    }

    /** Waits until a UDP socket is bound to port 53 inside, where the kernel's table shows it. */
    private static void awaitListening(NetNS ns, Process dnsmasq) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ns.call(host -> boundToPort53(Files.readAllLines(Path.of("/proc/thread-self/net/udp")))
                || boundToPort53(Files.readAllLines(Path.of("/proc/thread-self/net/udp6"))))) {
            if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("dnsmasq did not listen on port 53"
                        + (dnsmasq.isAlive() ? " within 30 s" : ", it exited " + dnsmasq.exitValue()));
            }
            Thread.sleep(10);
        }
    }

    private static boolean boundToPort53(List<String> table) {
        return table.stream().skip(1).map(row -> row.trim().split("\\s+")[1].toUpperCase(Locale.ROOT))
                .anyMatch(local -> local.endsWith(":0035"));
    }

    @Override
    public void close() throws IOException {
        ServerProcesses.stop(dnsmasq);
        Files.deleteIfExists(pidFile);
    }
}
