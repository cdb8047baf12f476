package dev.netnsguard.agent.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Context propagation: work handed to an executor from inside a scope carries the runtime's captured
 * {@code Scope} objects and runs with them installed (through the runtime's own {@code swap}), so
 * inside the task the runtime's state says what it expects. The agent keeps no copy of what a thread
 * expects: only the captured scope objects, for the time the task is queued.
 *
 * <ul>
 * <li>{@code ThreadPoolExecutor.execute}: a task submitted inside a scope is wrapped in a
 *     {@link CarriedRunnable}; tasks submitted outside scopes are not touched (no allocation).
 *     {@code remove}, {@code shutdownNow} and {@code toString} see through the wrapper.</li>
 * <li>{@code ScheduledThreadPoolExecutor} and {@code ForkJoinPool}/{@code ForkJoinTask}: the task
 *     object itself is the key of a weak map (no wrapping: their queues need the task's own type);
 *     the task's run installs the scope.</li>
 * <li>Pool workers (ThreadPoolExecutor workers, ForkJoinWorkerThreads) drop the scope they inherited
 *     from the thread that happened to create them: work that was submitted outside any scope then
 *     runs with no scope, and a worker born inside a namespace is caught serving it.</li>
 * </ul>
 *
 * Bootstrap side: JDK types only.
 */
public final class Propagation {
    public static final int NONE = 0;
    public static final int ALL = 1;
    public static final int SOME = 2;

    private static volatile int policy = NONE;
    private static volatile String[] patterns = new String[0];
    private static volatile ClassValue<Boolean> matching = matcher(new String[0]);

    private static final Map<Object, Carried> TASKS = Collections.synchronizedMap(new WeakHashMap<>());
    /** Tasks recorded and not run yet (approximate; only ever makes the run hook look when it needn't). */
    private static final java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
    /** The carried context of the task running on this thread, for reports. */
    private static final ThreadLocal<Carried> RUNNING = new ThreadLocal<>();

    private Propagation() {}

    /** What a task carries: the runtimes' scopes at submission, and where it was submitted. */
    static final class Carried {
        final Object[] scopes;
        final Throwable submittedAt;
        final boolean once;

        Carried(Object[] scopes, Throwable submittedAt, boolean once) {
            this.scopes = scopes;
            this.submittedAt = submittedAt;
            this.once = once;
        }
    }

    /** A task submitted from inside a scope to a ThreadPoolExecutor. */
    public static class CarriedRunnable implements Runnable {
        final Runnable task;
        final Carried carried;

        CarriedRunnable(Runnable task, Carried carried) {
            this.task = task;
            this.carried = carried;
        }

        /** The application's task. */
        public Runnable task() {
            return task;
        }

        @Override
        public void run() {
            Object token = enter(carried);
            try {
                task.run();
            } finally {
                exit(token);
            }
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    /**
     * The wrapper of a {@code Future} task ({@code submit}, {@code invokeAll}): still a Future, so
     * {@code afterExecute(r, t)} overrides that look at {@code r instanceof Future} and {@code purge()}
     * keep working.
     */
    @SuppressWarnings("unchecked")
    public static final class CarriedFuture extends CarriedRunnable implements java.util.concurrent.RunnableFuture<Object> {
        CarriedFuture(java.util.concurrent.RunnableFuture<?> task, Carried carried) {
            super(task, carried);
        }

        private java.util.concurrent.RunnableFuture<Object> future() {
            return (java.util.concurrent.RunnableFuture<Object>) task;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return future().cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return future().isCancelled();
        }

        @Override
        public boolean isDone() {
            return future().isDone();
        }

        @Override
        public Object get() throws InterruptedException, java.util.concurrent.ExecutionException {
            return future().get();
        }

        @Override
        public Object get(long timeout, java.util.concurrent.TimeUnit unit)
                throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
            return future().get(timeout, unit);
        }
    }

    // ------------------------------------------------------------------ configuration

    /** {@code all}, {@code none}, or class name patterns (a trailing * matches a prefix). */
    public static void configure(int newPolicy, String[] newPatterns) {
        patterns = newPatterns.clone();
        matching = matcher(patterns);
        policy = newPolicy;
    }

    private static ClassValue<Boolean> matcher(String[] names) {
        return new ClassValue<>() {
            @Override
            protected Boolean computeValue(Class<?> type) {
                for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                    for (String pattern : names) {
                        if (pattern.endsWith("*") ? c.getName().startsWith(pattern.substring(0, pattern.length() - 1))
                                : c.getName().equals(pattern)) {
                            return Boolean.TRUE;
                        }
                    }
                }
                return Boolean.FALSE;
            }
        };
    }

    private static boolean propagates(Object executor) {
        int p = policy;
        if (p == ALL) {
            return true;
        }
        if (p == NONE) {
            return false;
        }
        Class<?> type = executor == null ? ForkJoinPool.class : executor.getClass();
        return matching.get(type);
    }

    /** The runtime's own executors (thread factory of NetNS.threadFactory()): their threads are the namespace's. */
    private static boolean namespaceOwned(Object executor) {
        if (executor instanceof ThreadPoolExecutor) {
            return ((ThreadPoolExecutor) executor).getThreadFactory().getClass().getName().startsWith("dev.netnsguard.");
        }
        if (executor instanceof ForkJoinPool) {
            // the virtual-thread scheduler (its carriers are no one's workers) and pools of namespace threads
            String factory = ((ForkJoinPool) executor).getFactory().getClass().getName();
            return factory.startsWith("java.lang.VirtualThread") || factory.startsWith("dev.netnsguard.");
        }
        return false;
    }

    // ------------------------------------------------------------------ capture

    /** The scopes of the calling thread, or null if it has none (then nothing is carried). */
    private static Carried capture(Object executor, boolean once) {
        Supplier<?>[] captures = GuardBridge.captures();
        Object[] scopes = null;
        for (int i = 0; i < captures.length; i++) {
            Object scope = captures[i].get();
            if (scope != null) {
                if (scopes == null) {
                    scopes = new Object[captures.length];
                }
                scopes[i] = scope;
            }
        }
        if (scopes == null || !propagates(executor) || namespaceOwned(executor) || GuardBridge.mode() < GuardBridge.REPORT) {
            return null;
        }
        return new Carried(scopes, new Throwable("submitted from inside the scope"), once);
    }

    /** {@code ThreadPoolExecutor.execute}: wraps a task submitted from inside a scope. */
    public static Runnable wrap(Object executor, Runnable task) {
        if (policy == NONE || task == null || task instanceof CarriedRunnable) {
            return task;
        }
        Carried carried = capture(executor, false);
        if (carried == null) {
            return task;
        }
        recordedWrappers = 1;
        return task instanceof java.util.concurrent.RunnableFuture
                ? new CarriedFuture((java.util.concurrent.RunnableFuture<?>) task, carried)
                : new CarriedRunnable(task, carried);
    }

    /** The application's task behind a possibly wrapped one. */
    public static Object unwrap(Object task) {
        return task instanceof CarriedRunnable ? ((CarriedRunnable) task).task : task;
    }

    /** {@code ThreadPoolExecutor.remove(task)}: the queued element for the application's task. */
    public static Runnable queued(Iterable<Runnable> queue, Runnable task) {
        if (recordedWrappers == 0 || task == null || task instanceof CarriedRunnable) {
            return task;
        }
        for (Runnable element : queue) {
            if (element instanceof CarriedRunnable && ((CarriedRunnable) element).task == task) {
                return element;
            }
        }
        return task;
    }

    private static volatile int recordedWrappers;

    /** {@code ThreadPoolExecutor.shutdownNow()}: the drained list, unwrapped in place. */
    public static void unwrapAll(java.util.List<Runnable> drained) {
        if (drained == null) {
            return;
        }
        for (int i = 0; i < drained.size(); i++) {
            Runnable r = drained.get(i);
            if (r instanceof CarriedRunnable) {
                drained.set(i, ((CarriedRunnable) r).task);
            }
        }
    }

    /** Records a task (scheduled, or a ForkJoinTask) submitted from inside a scope. */
    public static void record(Object executor, Object task, boolean once) {
        if (policy == NONE || task == null) {
            return;
        }
        Carried carried = capture(executor, once);
        if (carried != null) {
            if (TASKS.put(task, carried) == null) {
                recorded.incrementAndGet();
            }
        }
    }

    /** The run of a recorded task: installs its scopes; returns what {@link #exit} restores, or null. */
    public static Object enterRecorded(Object task) {
        if (recorded.get() == 0) {
            return null;
        }
        Carried carried = TASKS.get(task);
        if (carried == null) {
            return null;
        }
        if (carried.once && TASKS.remove(task) != null) {
            recorded.decrementAndGet();
        }
        return enter(carried);
    }

    private static final class Token {
        final Object[] previous;
        final Carried previousRunning;

        Token(Object[] previous, Carried previousRunning) {
            this.previous = previous;
            this.previousRunning = previousRunning;
        }
    }

    @SuppressWarnings("unchecked")
    static Object enter(Carried carried) {
        UnaryOperator<Object>[] swaps = (UnaryOperator<Object>[]) GuardBridge.swaps();
        int n = Math.min(swaps.length, carried.scopes.length);
        Object[] previous = new Object[n];
        for (int i = 0; i < n; i++) {
            previous[i] = swaps[i].apply(carried.scopes[i]);
        }
        Carried previousRunning = RUNNING.get();
        RUNNING.set(carried);
        return new Token(previous, previousRunning);
    }

    @SuppressWarnings("unchecked")
    public static void exit(Object token) {
        if (token == null) {
            return;
        }
        Token t = (Token) token;
        UnaryOperator<Object>[] swaps = (UnaryOperator<Object>[]) GuardBridge.swaps();
        for (int i = 0; i < t.previous.length && i < swaps.length; i++) {
            swaps[i].apply(t.previous[i]);
        }
        if (t.previousRunning == null) {
            RUNNING.remove();
        } else {
            RUNNING.set(t.previousRunning);
        }
    }

    /**
     * A pool worker starts its loop, or looks for its next task: it drops the scope it inherited from
     * whichever thread created it, or that a task left on it (enterCurrentThread); tasks bring their
     * own. Not for the runtime's namespace threads.
     */
    @SuppressWarnings("unchecked")
    public static void workerStarts(Object executor) {
        if (POOL_WORKER.get() == null) {
            POOL_WORKER.set(Boolean.TRUE);
        }
        if (policy == NONE || !propagates(executor) || namespaceOwned(executor)) {
            return;
        }
        Supplier<?>[] captures = GuardBridge.captures();
        UnaryOperator<Object>[] swaps = (UnaryOperator<Object>[]) GuardBridge.swaps();
        for (int i = 0; i < captures.length && i < swaps.length; i++) {
            if (captures[i].get() != null) {
                swaps[i].apply(null);
            }
        }
    }

    private static final ThreadLocal<Boolean> POOL_WORKER = new ThreadLocal<>();

    /** True on a ThreadPoolExecutor worker (marked when its loop starts). */
    static boolean isPoolWorker() {
        return POOL_WORKER.get() != null;
    }

    /** Where the task running on this thread was submitted from inside a scope, or null. */
    public static StackTraceElement[] submittedFrom() {
        Carried carried = RUNNING.get();
        return carried == null ? null : carried.submittedAt.getStackTrace();
    }
}
