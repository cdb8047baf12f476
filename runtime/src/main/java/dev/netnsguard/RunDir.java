package dev.netnsguard;

import dev.netnsguard.internal.linux.LibC;
import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.linux.SyscallException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The directory of persistent, named namespaces shared with iproute2: {@code /run/netns}, or
 * {@code /var/run/netns} where there is no {@code /run}. A named namespace is a bind mount of an
 * nsfs file on an empty file there.
 */
final class RunDir {
    /** The directory, chosen once as {@code ip netns} chooses it. */
    static final String PATH = Files.isDirectory(Path.of("/run")) ? "/run/netns" : "/var/run/netns";

    private static final int NAME_MAX = 255;
    private static final Object LOCK = new Object();

    private RunDir() {}

    /** The path of the named namespace {@code name}, after checking the name. */
    static String pathOf(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new IllegalArgumentException("invalid network namespace name '" + name
                    + "': a name is 1 to 255 bytes, not '.' or '..', with no '/' or NUL");
        }
        return PATH + "/" + name;
    }

    static NetNS create(String name) {
        String path = pathOf(name);
        // Serialises creators in this JVM; flock on the directory serialises other netns-guard JVMs.
        // The exclusive creation of the file is what keeps out every other creator, iproute2 included.
        synchronized (LOCK) {
            int dirFd = openDirectory();
            try {
                Syscalls.lockExclusive(dirFd, PATH);
                return createLocked(name, path);
            } finally {
                Syscalls.closeQuietly(dirFd);
            }
        }
    }

    /** Opens the run directory, making it first if it is missing (an exception costs more than the open). */
    private static int openDirectory() {
        try {
            try {
                return Syscalls.open(PATH, LibC.O_DIRECTORY);
            } catch (SyscallException e) {
                if (e.errno() != LibC.ENOENT) {
                    throw e;
                }
                Syscalls.mkdirs(PATH);
                return Syscalls.open(PATH, LibC.O_DIRECTORY);
            }
        } catch (SyscallException e) {
            throw Failures.of("open run directory " + PATH, e);
        }
    }

    private static NetNS createLocked(String name, String path) {
        try {
            Syscalls.createExclusive(path);
        } catch (SyscallException e) {
            if (e.errno() == LibC.EEXIST) {
                throw new NetNSExistsException("create named network namespace '" + name
                        + "': " + path + " exists", e);
            }
            throw Failures.of("create named network namespace '" + name + "'", e);
        }
        int fd;
        try {
            Syscalls.makeSharedMount(PATH);
            fd = Creation.unshare(path);
        } catch (SyscallException e) {
            rollBack(path, e);
            throw Failures.of("create named network namespace '" + name + "'", e);
        } catch (RuntimeException | Error e) {
            rollBack(path, e);
            throw e;
        }
        return new NetNS(fd, path, name, false);
    }

    private static void rollBack(String path, Throwable failure) {
        try {
            Syscalls.detach(path);
            Syscalls.unlink(path);
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    static void delete(String name) {
        String path = pathOf(name);
        String context = "delete named network namespace '" + name + "'";
        synchronized (LOCK) {
            if (!Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchNetNSException(context + ": " + path + " does not exist");
            }
            try {
                Syscalls.detach(path);
                Syscalls.unlink(path);
            } catch (SyscallException e) {
                throw Failures.of(context, e);
            }
        }
    }

    static List<String> list() {
        Path dir = Path.of(PATH);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PATH, e);
        }
        Collections.sort(names);
        return Collections.unmodifiableList(names);
    }
}
