package dev.netnsguard.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code report-file}: one JSON line per violation, appended and flushed per line, from a JVM that
 * often runs as root. The file is opened without following a symbolic link ({@code O_NOFOLLOW}), created
 * owner-only ({@code 0600}), and an existing one is used only if it is a regular file of this process's
 * user with one link, so a file planted at the path by another user (a link to a file elsewhere, a FIFO
 * that would block) is never written through. What cannot be written (a refused path, an unwritable
 * directory, a full disk) is said once on stderr for each distinct reason; the application carries on
 * and violations are still counted, logged and sent to JFR.
 */
final class ReportFile {
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
            StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
    private static final EnumSet<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final Path path;
    private final PrintStream stderr;
    private final Set<String> told = new HashSet<>();
    private FileChannel channel;

    ReportFile(Path path, PrintStream stderr) {
        this.path = path;
        this.stderr = stderr;
    }

    Path path() {
        return path;
    }

    /** Appends {@code line} and a newline; on failure says why on stderr (once per reason) and drops the line. */
    synchronized void append(String line) {
        try {
            if (channel == null) {
                channel = open();
            }
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            tell(e instanceof RefusedException ? e.getMessage() : e.toString());
        }
    }

    synchronized void close() {
        closeQuietly();
    }

    private FileChannel open() throws IOException {
        try {
            PosixFileAttributes existing = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (existing.isSymbolicLink()) {
                throw new RefusedException("it is a symbolic link, which the guard does not follow");
            }
            if (!existing.isRegularFile()) {
                throw new RefusedException("it is not a regular file");
            }
            Map<String, Object> unix = Files.readAttributes(path, "unix:uid,nlink", LinkOption.NOFOLLOW_LINKS);
            Object ownUid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!unix.get("uid").equals(ownUid)) {
                throw new RefusedException("it belongs to uid " + unix.get("uid") + ", not to this process's uid " + ownUid);
            }
            if (((Number) unix.get("nlink")).intValue() != 1) {
                throw new RefusedException("it has " + unix.get("nlink") + " hard links");
            }
        } catch (NoSuchFileException absent) {
            // created below, owner-only
        }
        return FileChannel.open(path, OPEN, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }

    private void tell(String reason) {
        if (told.add(reason)) {
            stderr.println("netns-guard: cannot write the report file " + path + ": " + reason
                    + "; violations are still counted" + " (said once for this reason)");
        }
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to lose
            }
            channel = null;
        }
    }

    /** The path is there but not a file the guard may write. */
    private static final class RefusedException extends IOException {
        RefusedException(String why) {
            super("refused, " + why);
        }
    }
}
