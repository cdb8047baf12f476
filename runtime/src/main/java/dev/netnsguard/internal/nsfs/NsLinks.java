package dev.netnsguard.internal.nsfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The facts about network namespaces that the runtime and the agent both read, in one place: the
 * {@code net:[inode]} form of namespace links, and the names of the run directory. The agent ships a
 * relocated copy of this class (it must work without the runtime), built from this source.
 *
 * <p>JDK types only; no state.
 */
public final class NsLinks {
    /** The run directory of named namespaces, chosen as {@code ip netns} chooses it: {@code /run/netns} where /run exists. */
    public static final Path RUN_DIRECTORY = Files.isDirectory(Path.of("/run")) ? Path.of("/run/netns") : Path.of("/var/run/netns");

    private NsLinks() {}

    /** {@code net:[4026531840]}: how the kernel's links, and therefore reports, name a namespace. */
    public static String format(long inode) {
        return "net:[" + inode + "]";
    }

    /**
     * Parses a link text such as {@code net:[4026531840]}.
     *
     * @throws IllegalArgumentException if it is not a network namespace link
     */
    public static long parse(String link) {
        int open = link.indexOf('[');
        int close = link.indexOf(']', open + 1);
        if (!link.startsWith("net:") || open < 0 || close < 0) {
            throw new IllegalArgumentException("not a network namespace link: " + link);
        }
        return Long.parseLong(link, open + 1, close, 10);
    }

    /** The namespace behind an ns link such as {@code /proc/1/task/7/ns/net}. */
    public static long inodeOf(Path link) throws IOException {
        return parse(Files.readSymbolicLink(link).toString());
    }

    /** Inode to name, for every entry of the run directory whose bind mount is in place; empty without one. */
    public static Map<Long, String> namedInodes() {
        Map<Long, String> names = new HashMap<>();
        if (!Files.isDirectory(RUN_DIRECTORY)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(RUN_DIRECTORY)) {
            for (Path entry : entries) {
                try {
                    Object inode = Files.getAttribute(entry, "unix:ino");
                    if (inode instanceof Long && (Long) inode != 0) {
                        names.putIfAbsent((Long) inode, entry.getFileName().toString());
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // an entry deleted meanwhile, or not readable: it names nothing
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no names
        }
        return names;
    }
}
