package dev.netnsguard.agent.bootstrap;

/**
 * The per-OS-thread cache of the actual namespace. On JDK 21+ it is a
 * {@code jdk.internal.misc.CarrierThreadLocal}, so that a virtual thread sees its carrier's entry
 * (the namespace is the carrier's); before that, a plain {@link ThreadLocal}. Initialised on first
 * use, after the agent exported {@code jdk.internal.misc} to the bootstrap part.
 */
final class ThreadStates {
    static final ThreadLocal<ThreadState> LOCAL = create();
    static final boolean CARRIER_LOCAL = !LOCAL.getClass().equals(ThreadLocal.class);

    private ThreadStates() {}

    @SuppressWarnings("unchecked")
    private static ThreadLocal<ThreadState> create() {
        try {
            Class<?> carrierLocal = Class.forName("jdk.internal.misc.CarrierThreadLocal", true, null);
            return (ThreadLocal<ThreadState>) carrierLocal.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError beforeJava21) {
            return new ThreadLocal<>();
        }
    }
}
