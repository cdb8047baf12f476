package dev.netnsguard.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Names of named network namespaces by inode: each entry of /run/netns (or /var/run/netns), stat'ed. */
public final class NamespaceNames {
    private NamespaceNames() {}

    /** inode -> name; empty if there is no run directory. Only read when reporting. */
    public static Map<Long, String> read() {
        Map<Long, String> names = new HashMap<>();
        for (String dir : new String[] {"/run/netns", "/var/run/netns"}) {
            Path run = Path.of(dir);
            if (!Files.isDirectory(run)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(run)) {
                for (Path entry : entries) {
                    try {
                        Object ino = Files.getAttribute(entry, "unix:ino");
                        if (ino instanceof Long) {
                            names.putIfAbsent((Long) ino, entry.getFileName().toString());
                        }
                    } catch (IOException | RuntimeException notMounted) {
                        // a stale entry: skip
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: no names
            }
            if (!names.isEmpty()) {
                break;
            }
        }
        return names;
    }

    /** Parses {@code net:[4026531840]}; 0 if it is not one. */
    public static long parseLink(String link) {
        int open = link.indexOf('[');
        int close = link.indexOf(']', open + 1);
        if (!link.startsWith("net:") || open < 0 || close < 0) {
            return 0;
        }
        return Long.parseLong(link.substring(open + 1, close));
    }

    /** The namespace behind an ns link such as {@code /proc/1/task/7/ns/net}; 0 if it cannot be read. */
    public static long inodeOf(Path link) {
        try {
            return parseLink(Files.readSymbolicLink(link).toString());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
