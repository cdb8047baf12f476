package dev.netnsguard;

/**
 * A body run inside a network namespace by {@link NetNS#call(NetNSFunction)}. It receives the
 * namespace of the caller (the "host", as CNI's {@code ns.Do} passes {@code hostNS}) and returns a
 * result; it may throw {@code X}, which reaches the caller as the same instance.
 *
 * @param <T> the result type
 * @param <X> the checked exception the body may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface NetNSFunction<T, X extends Throwable> {
    /**
     * Runs inside the target namespace.
     *
     * @param host the namespace of the thread that called {@code call}; a shared handle owned by
     *             netns-guard, valid while the body runs (closing it has no effect)
     */
    T apply(NetNS host) throws X;
}
