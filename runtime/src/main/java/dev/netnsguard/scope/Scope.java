package dev.netnsguard.scope;

/**
 * What a piece of running code expects: the network namespace it should be in, with the label to
 * show for it in reports. Immutable; {@link Scopes#enter} returns the scope to restore on leaving.
 *
 * <p>A thread's current scope is kept by {@link Scopes}. Inside {@code NetNS.call} and on threads of
 * {@code NetNS.threadFactory()} it is the target namespace; a thread with no scope expects the
 * namespace the JVM was launched in.
 */
public final class Scope {
    private final long inode;
    private final String label;

    Scope(long inode, String label) {
        this.inode = inode;
        this.label = label;
    }

    /** The inode of the expected network namespace (as in {@code net:[inode]}). */
    public long inode() {
        return inode;
    }

    /** How reports name the expected namespace: its name where it has one, else {@code net:[inode]}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
