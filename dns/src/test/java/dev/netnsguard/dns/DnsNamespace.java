package dev.netnsguard.dns;

import dev.netnsguard.NetNS;
import dev.netnsguard.netlink.Netlink;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named namespace ({@code ngtest-dns-PID-N}, or another prefix) with loopback up, 198.51.100.7 on it, a real dnsmasq
 * listening on its 127.0.0.1:53 that alone serves {@link #NAME} (A and PTR), and
 * {@code /etc/netns/NAME/resolv.conf} pointing at it. {@link #close()} stops dnsmasq by its PID and
 * removes every file it wrote under {@code /etc/netns} (the directory itself only if it made it),
 * then the namespace; a shutdown hook does the same if the JVM ends first.
 */
final class DnsNamespace implements AutoCloseable {
    static final String NAME = "only-in-ns.test";
    static final String ADDRESS = "198.51.100.7";
    /** A name with {@link #MANY_COUNT} addresses: an answer too big for UDP, so it comes over TCP. */
    static final String MANY = "many.test";
    static final int MANY_COUNT = 100;
    private static final AtomicInteger SERIAL = new AtomicInteger();

    final String name;
    final NetNS ns;
    final Path directory;
    private final boolean madeRoot;
    private final Path log;
    private Process dnsmasq;
    private final Thread hook = new Thread(this::cleanUp, "ngtest-dns-cleanup");
    private boolean closed;

    private DnsNamespace(String name, NetNS ns, boolean madeRoot, Path log) {
        this.name = name;
        this.ns = ns;
        this.directory = NetnsDirectory.ROOT.resolve(name);
        this.madeRoot = madeRoot;
        this.log = log;
    }

    static DnsNamespace start() throws Exception {
        return start("ngtest-dns-");
    }

    /** A fixture whose namespace is named {@code prefix} + PID + serial. */
    static DnsNamespace start(String prefix) throws Exception {
        String name = prefix + ProcessHandle.current().pid() + "-" + SERIAL.incrementAndGet();
        boolean madeRoot = !Files.isDirectory(NetnsDirectory.ROOT);
        if (madeRoot) {
            Files.createDirectories(NetnsDirectory.ROOT);
        }
        DnsNamespace fixture = new DnsNamespace(name, NetNS.createNamed(name), madeRoot,
                Files.createTempFile(name, ".log"));
        Runtime.getRuntime().addShutdownHook(fixture.hook);
        try {
            fixture.setUp();
        } catch (Exception | Error e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    private void setUp() throws Exception {
        try (Netlink netlink = Netlink.open(ns)) {
            netlink.setUp("lo");
            netlink.addAddress("lo", InetAddress.getByName(ADDRESS), 32);
        }
        Files.createDirectory(directory);
        Files.writeString(directory.resolve("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:2 attempts:2\n");
        List<String> command = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53", "--conf-file=/dev/null",
                "--user=nobody", "--group=nogroup", "--log-facility=-",
                "--address=/" + NAME + "/" + ADDRESS,
                "--ptr-record=7.100.51.198.in-addr.arpa," + NAME));
        for (int i = 0; i < MANY_COUNT; i++) {
            command.add("--host-record=" + MANY + ",198.51.100." + (100 + i));
        }
        dnsmasq = ns.call(host -> new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        awaitListening();
    }

    /** dnsmasq listens once its namespace's UDP table has 127.0.0.1:53 (0100007F:0035). */
    private void awaitListening() throws Exception {
        Path udp = Path.of("/proc", Long.toString(dnsmasq.pid()), "net", "udp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!dnsmasq.isAlive()) {
                throw new IllegalStateException("dnsmasq ended (" + dnsmasq.exitValue() + "): " + Files.readString(log));
            }
            if (Files.readString(udp).contains("0100007F:0035")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("dnsmasq did not listen on 127.0.0.1:53 in " + name + " within 10 s: "
                + Files.readString(log));
    }

    /** Writes {@code /etc/netns/NAME/hosts}, removed again by {@link #close()}. */
    void writeHosts(String content) throws IOException {
        Files.writeString(directory.resolve("hosts"), content);
    }

    void deleteHosts() throws IOException {
        Files.deleteIfExists(directory.resolve("hosts"));
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to do
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> failures = new ArrayList<>();
        if (dnsmasq != null) {
            dnsmasq.destroy();
            try {
                if (!dnsmasq.waitFor(5, TimeUnit.SECONDS)) {
                    dnsmasq.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                dnsmasq.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Path file : List.of(directory.resolve("hosts"), directory.resolve("resolv.conf"), directory, log)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (madeRoot) {
            try {
                Files.deleteIfExists(NetnsDirectory.ROOT);
            } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                // another namespace's files arrived meanwhile: theirs to remove
            } catch (IOException e) {
                failures.add(e);
            }
        }
        ns.close();
        try {
            NetNS.deleteNamed(name);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("cleaning up " + name);
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
