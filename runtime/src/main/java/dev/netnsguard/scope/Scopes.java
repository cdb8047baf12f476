package dev.netnsguard.scope;

/**
 * The one place that records which network namespace each thread's running code expects.
 *
 * <p>The state is an {@link InheritableThreadLocal}: a thread started from inside a scope is born in
 * that scope's namespace (the kernel copies the creator's namespace), so it expects it too. Reading
 * it costs one thread-local lookup, so the agent reads it on every guarded call; it works the same
 * whether or not the agent is attached. The agent never keeps a copy: it reads this state through
 * {@link GuardLink}.
 */
public final class Scopes {
    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();

    static {
        GuardLink.connect();
    }

    private Scopes() {}

    /** The calling thread's innermost scope, or null where it has none (it expects the launch namespace). */
    public static Scope current() {
        return CURRENT.get();
    }

    /** The inode the calling thread expects, or 0 where it has no scope. */
    public static long expectedInode() {
        Scope scope = CURRENT.get();
        return scope == null ? 0 : scope.inode();
    }

    /**
     * Makes the calling thread expect the namespace {@code inode} until {@link #restore} is called
     * with the returned value.
     *
     * @return the scope to restore when leaving, possibly null
     */
    public static Scope enter(long inode, String label) {
        Scope outer = CURRENT.get();
        CURRENT.set(new Scope(inode, label));
        return outer;
    }

    /** Ends the scope opened by {@link #enter}; {@code outer} is what {@code enter} returned. */
    public static void restore(Scope outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /**
     * Replaces the calling thread's scope with {@code scope} (which may be null) and returns the one
     * it had. Used to carry a scope along with work handed to another thread.
     */
    public static Scope swap(Scope scope) {
        Scope previous = CURRENT.get();
        restore(scope);
        return previous;
    }
}
