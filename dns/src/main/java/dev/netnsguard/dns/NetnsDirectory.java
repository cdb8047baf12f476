package dev.netnsguard.dns;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-namespace configuration of named namespace NAME, as {@code ip netns exec} uses it:
 * {@code /etc/netns/NAME/hosts} and {@code /etc/netns/NAME/resolv.conf}, each in place of its
 * {@code /etc} counterpart when present.
 */
record NetnsDirectory(String namespace, Path directory) {
    static final Path ROOT = Path.of("/etc/netns");

    static NetnsDirectory of(String namespace) {
        return new NetnsDirectory(namespace, ROOT.resolve(namespace));
    }

    /** True when the namespace has a configuration directory: then its lookups go through dnsjava. */
    boolean exists() {
        return Files.isDirectory(directory);
    }

    Path hosts() {
        return ownOr("hosts");
    }

    Path resolvConf() {
        return ownOr("resolv.conf");
    }

    private Path ownOr(String file) {
        Path own = directory.resolve(file);
        return Files.exists(own) ? own : Path.of("/etc", file);
    }
}
