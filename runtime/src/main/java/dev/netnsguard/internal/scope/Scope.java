package dev.netnsguard.internal.scope;

import dev.netnsguard.internal.nsfs.NsLinks;

/**
 * What a piece of running code expects: the network namespace it should be in, and its name where it
 * has one. Immutable; entering a scope returns the scope to restore on leaving.
 *
 * <p>A thread's current scope is kept by {@link Scopes}. Inside {@code NetNS.call} and on threads of
 * {@code NetNS.threadFactory()} it is the target namespace; a thread with no scope expects the
 * namespace the JVM was launched in.
 */
public final class Scope {
    private final long inode;
    private final String name;

    Scope(long inode, String name) {
        this.inode = inode;
        this.name = name;
    }

    /** The inode of the expected network namespace (as in {@code net:[inode]}). */
    public long inode() {
        return inode;
    }

    /** The name of the expected namespace (an entry of the run directory), or null for an anonymous one. */
    public String name() {
        return name;
    }

    /** How reports name the expected namespace: its name where it has one, else {@code net:[inode]}. */
    public String label() {
        return labelOf(inode, name);
    }

    static String labelOf(long inode, String name) {
        return name != null ? name : NsLinks.format(inode);
    }

    @Override
    public String toString() {
        return label();
    }
}
