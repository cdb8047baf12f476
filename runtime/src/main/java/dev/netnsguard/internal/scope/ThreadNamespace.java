package dev.netnsguard.internal.scope;

import dev.netnsguard.internal.nsfs.NsLinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads which network namespace an OS thread is in from {@code /proc}: the link
 * {@code /proc/thread-self/ns/net} reads {@code net:[inode]}.
 *
 * <p>{@code /proc/self/ns/net} is the thread-group leader's namespace, not the calling thread's;
 * for a virtual thread, {@code thread-self} is its current carrier.
 */
public final class ThreadNamespace {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self/ns/net");

    private ThreadNamespace() {}

    /** The inode of the calling OS thread's network namespace. */
    public static long currentInode() {
        try {
            return NsLinks.inodeOf(THREAD_SELF);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + THREAD_SELF, e);
        }
    }

    /** The inode of the namespace behind an ns link such as {@code /proc/1/task/7/ns/net}; empty if it is gone. */
    public static OptionalLong inodeOf(Path link) {
        try {
            return OptionalLong.of(NsLinks.inodeOf(link));
        } catch (NoSuchFileException gone) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + link, e);
        }
    }
}
