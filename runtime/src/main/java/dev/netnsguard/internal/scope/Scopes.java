package dev.netnsguard.internal.scope;

import dev.netnsguard.NetNS;

/**
 * The one place that records which network namespace each thread's running code expects.
 *
 * <p>The state is an {@link InheritableThreadLocal}: a thread started from inside a scope is born in
 * that scope's namespace (the kernel copies the creator's namespace), so it expects it too. Reading
 * it costs one thread-local lookup, so the agent reads it on every guarded call; it works the same
 * whether or not the agent is attached. The agent never keeps a copy: it reads this state through
 * {@link GuardLink}.
 *
 * <p>Only code that really moved a thread may say what it expects: {@link NamespaceEntry} (after a
 * verified setns), and {@code NetNS.call} for a body it runs inline on a thread already inside, through
 * the {@link Control} only {@code NetNS} can obtain. Anything else could make the guard expect a
 * namespace nobody entered.
 */
public final class Scopes {
    private static final InheritableThreadLocal<Scope> CURRENT = new InheritableThreadLocal<>();
    private static final StackWalker CALLERS = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

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
     * The right to open and close scopes on threads {@code NetNS} did not move itself (a body run inline
     * on a thread already inside the namespace).
     *
     * @throws IllegalCallerException unless called by {@code dev.netnsguard.NetNS}
     */
    public static Control control() {
        Class<?> caller = CALLERS.getCallerClass();
        if (caller != NetNS.class) {
            throw new IllegalCallerException("scopes are opened by dev.netnsguard.NetNS only, not by " + caller.getName());
        }
        return Control.INSTANCE;
    }

    /** Opens and closes scopes on the calling thread; see {@link Scopes#control()}. */
    public static final class Control {
        static final Control INSTANCE = new Control();

        private Control() {}

        /**
         * Makes the calling thread expect namespace {@code inode} (named {@code name}, or null) until
         * {@link #restore} is called with the returned value.
         *
         * @return the scope to restore when leaving, possibly null
         */
        public Scope enter(long inode, String name) {
            return Scopes.enter(inode, name);
        }

        /** Ends the scope opened by {@link #enter}; {@code outer} is what {@code enter} returned. */
        public void restore(Scope outer) {
            Scopes.restore(outer);
        }
    }

    static Scope enter(long inode, String name) {
        Scope outer = CURRENT.get();
        CURRENT.set(new Scope(inode, name));
        return outer;
    }

    static void restore(Scope outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /**
     * Replaces the calling thread's scope with {@code scope} (which may be null) and returns the one
     * it had: how the agent carries a scope along with work handed to another thread.
     */
    static Scope swap(Scope scope) {
        Scope previous = CURRENT.get();
        restore(scope);
        return previous;
    }
}
