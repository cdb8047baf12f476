package dev.netnsguard.clients;

import dev.netnsguard.NetNS;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's {@code postgresql} package) in a throw-away cluster, its
 * postmaster started inside a namespace as the {@code postgres} user, listening on 127.0.0.1 only
 * there. Closing it stops the postmaster by its PID and deletes the cluster.
 */
final class PostgresInside implements AutoCloseable {
    private static final Path VERSIONS = Path.of("/usr/lib/postgresql");

    private final Path cluster;
    private final Process postmaster;

    PostgresInside(NetNS ns, int port) throws IOException, InterruptedException {
        Path bin = newestBin();
        cluster = Files.createTempDirectory("ngtest-cl-pg-");
        Process started = null;
        try {
            Path data = cluster.resolve("data");
            Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            UserPrincipalLookupService users = cluster.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(cluster, users.lookupPrincipalByName("postgres"));
            Files.setOwner(data, users.lookupPrincipalByName("postgres"));
            runToEnd(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
            Path log = cluster.resolve("postgres.log");
            ProcessBuilder server = new ProcessBuilder(asPostgres(bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-c", "listen_addresses=127.0.0.1", "-c", "port=" + port, "-c", "unix_socket_directories=" + cluster,
                    "-c", "fsync=off", "-c", "max_connections=20"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // The postmaster is started inside: it, and every backend it forks, is in the namespace.
            started = ns.call(host -> server.start());
            awaitReady(started, log);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            ServerProcesses.stop(started);
            deleteCluster();
            throw e;
        }
        postmaster = started;
    }

    private static Path newestBin() throws IOException {
        try (Stream<Path> versions = Files.list(VERSIONS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparing(bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under " + VERSIONS + ": apt-get install postgresql"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("no PostgreSQL under " + VERSIONS + ": apt-get install postgresql", e);
        }
    }

    /** The command run as the postgres user; setpriv execs it, so the process keeps its PID. */
    private static List<String> asPostgres(String... command) {
        List<String> line = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
        line.addAll(List.of(command));
        return line;
    }

    private static void runToEnd(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " exited " + process.exitValue() + ":\n"
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(Process postmaster, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("database system is ready to accept connections")) {
            if (!postmaster.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL did not become ready"
                        + (postmaster.isAlive() ? " within 60 s" : ", it exited " + postmaster.exitValue())
                        + ":\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** The cluster's data directory, as the server reports it ({@code SHOW data_directory}). */
    Path dataDirectory() {
        return cluster.resolve("data");
    }

    private void deleteCluster() throws IOException {
        try (Stream<Path> files = Files.walk(cluster)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            ServerProcesses.stop(postmaster);
        } finally {
            deleteCluster();
        }
    }
}
