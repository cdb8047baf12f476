package dev.netnsguard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Which named namespace (in the run directory) has which inode, to put names on inodes in reports. */
final class NamedInodes {
    private NamedInodes() {}

    /** Inode to name, for every named namespace whose bind mount is in place. */
    static Map<Long, String> read() {
        Map<Long, String> names = new HashMap<>();
        for (String name : RunDir.list()) {
            try {
                Object inode = Files.getAttribute(Path.of(RunDir.PATH, name), "unix:ino");
                names.putIfAbsent((Long) inode, name);
            } catch (IOException | UnsupportedOperationException unreadable) {
                // An entry deleted meanwhile, or not readable: it names nothing.
            }
        }
        return names;
    }
}
