package dev.netnsguard.agent.bootstrap;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * One runtime's scope state as the bridge sees it: the functions a runtime (one class loader's copy of
 * {@code dev.netnsguard.internal.scope.Scopes}) hands over when it connects. The bridge never keeps a copy
 * of what a thread expects, only these ways to read it. Bootstrap side: JDK types only.
 */
public final class RuntimeLink {
    private final Supplier<Object> capture;
    private final UnaryOperator<Object> swap;
    private final ToLongFunction<Object> inodeOf;

    /**
     * @param capture the calling thread's innermost scope, or null where it has none
     * @param swap    installs a scope (or null) on the calling thread and returns the one it had
     * @param inodeOf the inode of the namespace a scope expects
     */
    public RuntimeLink(Supplier<Object> capture, UnaryOperator<Object> swap, ToLongFunction<Object> inodeOf) {
        this.capture = capture;
        this.swap = swap;
        this.inodeOf = inodeOf;
    }

    /** The calling thread's innermost scope in this runtime, or null. */
    public Object scope() {
        return capture.get();
    }

    /** Installs {@code scope} (possibly null) on the calling thread; returns the scope it had. */
    public Object swap(Object scope) {
        return swap.apply(scope);
    }

    /** The inode of the namespace {@code scope} (one of this runtime's) expects. */
    public long inodeOf(Object scope) {
        return inodeOf.applyAsLong(scope);
    }

    /** True if {@code other} is this link's capture function again (the same runtime connecting twice). */
    boolean sameCapture(Object other) {
        return other.getClass() == capture.getClass();
    }

    /** The class loader of the runtime behind this link (that of its functions). */
    public ClassLoader loader() {
        return capture.getClass().getClassLoader();
    }
}
