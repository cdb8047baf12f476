package dev.netnsguard.agent.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Context propagation: work handed to an executor from inside a scope carries the runtimes' captured
 * scope objects and runs with them installed (through each runtime's own {@code swap}), so inside the
 * task the runtime's state says what it expects. Only the captured scope objects are kept, for the time
 * the task is queued.
 *
 * <ul>
 * <li>{@code ThreadPoolExecutor.execute}: a task submitted inside a scope is wrapped in a
 *     {@link CarriedRunnable}; tasks submitted outside scopes are not touched (no allocation).</li>
 * <li>{@code ScheduledThreadPoolExecutor} and {@code ForkJoinPool}/{@code ForkJoinTask}: the task object
 *     is the key of a map with weak identity keys (their queues need the task's own type); the task's run
 *     installs the scope. One-shot tasks leave the map when they run, periodic ones when they are collected.</li>
 * <li>Pool workers drop the scope they inherited from the thread that happened to create them.</li>
 * <li>Libraries' executors (Netty's event loops) use the same wrapping and recording; their worker loops
 *     drop the scopes their thread inherited at its start, and a loop whose thread entered a namespace
 *     itself ({@code NetNS.threadFactory()}) is that namespace's: no task installs another scope there.</li>
 * <li>Any other executor's {@code execute(Runnable)} wraps too; inside that call ({@link #handing}) the
 *     executor's own hand-overs of the same scopes carry nothing more, nor does a library's runner handing its
 *     worker loop to a pool ({@link #ownHandOver}).</li>
 * <li>Tasks a runner takes by its own methods, not by a {@code run()} of theirs the agent can hook (OkHttp's
 *     {@code TaskRunner}, {@code java.util.Timer}), are recorded by identity; the runner's hooks install the
 *     scope from the task's start to its end ({@link #recordedTaskStarts}, {@link #recordedTaskEnds}).</li>
 * </ul>
 *
 * Every entry point here only records or propagates: a failure is handed to the judge
 * ({@link GuardBridge#hookFailed}) and the executor goes on as if the guard were absent.
 * Bootstrap side: JDK types only.
 */
public final class Propagation {
    private static volatile boolean enabled;
    private static volatile boolean submissionStacks = true;
    /** Which executors carry scopes (their class; {@code ForkJoinPool} for {@code ForkJoinTask.fork}). */
    private static volatile Predicate<Class<?>> propagates = type -> true;
    /** Which executors' threads belong to a namespace (the runtime's own, the virtual-thread scheduler). */
    private static volatile Predicate<Object> namespaceOwned = executor -> false;

    private static final ConcurrentHashMap<TaskKey, Carried> TASKS = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static volatile boolean wrapped;
    /** The carried context of the task running on this thread, for reports. */
    private static final ThreadLocal<Carried> RUNNING = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> POOL_WORKER = new ThreadLocal<>();
    /**
     * The context a general executor's {@code execute} just wrapped a task with, while that call runs: the
     * executor's own hand-overs inside it (to a pool it delegates to, a worker loop it starts) carry nothing
     * more, the wrapper already does.
     */
    private static final ThreadLocal<Carried> HANDING = new ThreadLocal<>();
    /**
     * Set on a library's worker loop whose thread entered a namespace itself before the loop started (an event
     * loop group on {@code NetNS.threadFactory()}): like the runtime's own executors, it runs what it is handed
     * in its namespace, and no task installs another scope there.
     */
    private static final ThreadLocal<Boolean> NAMESPACE_WORKER = new ThreadLocal<>();
    /** The token of the recorded task a library's runner runs on this thread, from its start to its end hook. */
    private static final ThreadLocal<Object> RUNNING_RECORDED = new ThreadLocal<>();
    /** What {@link #handing} returns where no hand-over was under way before. */
    private static final Object NO_HANDING = new Object();
    /** Threads started inside a scope, with the scopes they inherited, until their worker loop starts. */
    private static final java.util.Map<Thread, Inherited> INHERITED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private Propagation() {}

    /**
     * Sets what propagates: {@code on} (false: nothing is carried), the executors that carry scopes, the
     * executors whose threads are a namespace's own, and whether a submission records its stack.
     */
    public static void configure(boolean on, Predicate<Class<?>> executors, Predicate<Object> owned, boolean stacks) {
        propagates = executors;
        namespaceOwned = owned;
        submissionStacks = stacks;
        enabled = on;
    }

    /** What a task carries: the links and their scopes at submission, and where it was submitted. */
    static final class Carried {
        final RuntimeLink[] links;
        final Object[] scopes;
        final Throwable submittedAt;
        final boolean once;

        Carried(RuntimeLink[] links, Object[] scopes, Throwable submittedAt, boolean once) {
            this.links = links;
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
            Object token = enterSafely(carried, "ThreadPoolExecutor task");
            // run inline by the executor that wrapped it (a direct executor): the task's own submissions are new
            Carried handing = HANDING.get();
            if (handing != null) {
                HANDING.remove();
            }
            try {
                task.run();
            } finally {
                if (handing != null) {
                    HANDING.set(handing);
                }
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
    public static final class CarriedFuture extends CarriedRunnable implements RunnableFuture<Object> {
        CarriedFuture(RunnableFuture<?> task, Carried carried) {
            super(task, carried);
        }

        private RunnableFuture<Object> future() {
            return (RunnableFuture<Object>) task;
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
        public Object get() throws InterruptedException, ExecutionException {
            return future().get();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return future().get(timeout, unit);
        }
    }

    // ------------------------------------------------------------------ capture

    /** The calling thread's scope of each of {@code links}, or null if it has none: no allocation then. */
    private static Object[] scopesOf(RuntimeLink[] links) {
        Object[] scopes = null;
        for (int i = 0; i < links.length; i++) {
            Object scope = links[i].scope();
            if (scope != null) {
                if (scopes == null) {
                    scopes = new Object[links.length];
                }
                scopes[i] = scope;
            }
        }
        return scopes;
    }

    /** The scopes of the calling thread, or null if it has none or {@code executor} does not carry them. */
    private static Carried capture(Object executor, boolean once) {
        RuntimeLink[] links = GuardBridge.links();
        Object[] scopes = scopesOf(links);
        if (scopes == null || !GuardBridge.armed() || handedOverAlready(links, scopes) || namespaceOwned.test(executor)
                || !propagates.test(executor == null ? java.util.concurrent.ForkJoinPool.class : executor.getClass())) {
            return null;
        }
        return new Carried(links, scopes, submissionStacks ? new Throwable("submitted from inside the scope") : null, once);
    }

    /** {@code ThreadPoolExecutor.execute}: wraps a task submitted from inside a scope. */
    public static Runnable wrap(Object executor, Runnable task) {
        if (!enabled || task == null || task instanceof CarriedRunnable) {
            return task;
        }
        try {
            Carried carried = capture(executor, false);
            if (carried == null) {
                return task;
            }
            wrapped = true;
            return task instanceof RunnableFuture
                    ? new CarriedFuture((RunnableFuture<?>) task, carried)
                    : new CarriedRunnable(task, carried);
        } catch (Throwable failure) {
            GuardBridge.hookFailed("ThreadPoolExecutor.execute", failure);
            return task;
        }
    }

    /** True inside a general executor's {@code execute} that wrapped its task with exactly these scopes. */
    private static boolean handedOverAlready(RuntimeLink[] links, Object[] scopes) {
        Carried handing = HANDING.get();
        if (handing == null || handing.links != links) {
            return false;
        }
        for (int i = 0; i < scopes.length; i++) {
            if (handing.scopes[i] != scopes[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Any executor's {@code execute(Runnable)} (matched by its hierarchy) returned {@code task} wrapped by
     * {@link #wrap}: until the call ends ({@link #handedOver}), nested hand-overs of the same scopes on this
     * thread are the executor's own and carry nothing. Returns what {@link #handedOver} restores.
     */
    public static Object handing(Runnable task) {
        try {
            if (!(task instanceof CarriedRunnable)) {
                return null;
            }
            Carried previous = HANDING.get();
            HANDING.set(((CarriedRunnable) task).carried);
            return previous == null ? NO_HANDING : previous;
        } catch (Throwable failure) {
            GuardBridge.hookFailed("Executor.execute", failure);
            return null;
        }
    }

    /** The end of the {@code execute} call {@link #handing} was told about; {@code previous} may be null. */
    public static void handedOver(Object previous) {
        if (previous == null) {
            return;
        }
        if (previous == NO_HANDING) {
            HANDING.remove();
        } else {
            HANDING.set((Carried) previous);
        }
    }

    /**
     * A library's runner hands its own worker loop to a pool (OkHttp's {@code TaskRunner.startAnotherThread()},
     * called from a scheduling thread or from inside a task): the loop serves every later task, so it carries no
     * scope, whichever the calling thread has. Returns what {@link #handedOver} restores.
     */
    public static Object ownHandOver() {
        try {
            RuntimeLink[] links = GuardBridge.links();
            Object[] scopes = scopesOf(links);
            if (scopes == null) {
                return null;
            }
            Carried previous = HANDING.get();
            HANDING.set(new Carried(links, scopes, null, false));
            return previous == null ? NO_HANDING : previous;
        } catch (Throwable failure) {
            GuardBridge.hookFailed("library worker hand-over", failure);
            return null;
        }
    }

    /** {@code ThreadPoolExecutor.remove(task)}: the queued element for the application's task. */
    public static Runnable queued(Iterable<Runnable> queue, Runnable task) {
        if (!wrapped || task == null || task instanceof CarriedRunnable) {
            return task;
        }
        try {
            for (Runnable element : queue) {
                if (element instanceof CarriedRunnable && ((CarriedRunnable) element).task == task) {
                    return element;
                }
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("ThreadPoolExecutor.remove", failure);
        }
        return task;
    }

    /** {@code ThreadPoolExecutor.shutdownNow()}: the drained list, unwrapped in place. */
    public static void unwrapAll(List<Runnable> drained) {
        if (drained == null || !wrapped) {
            return;
        }
        try {
            for (int i = 0; i < drained.size(); i++) {
                Runnable r = drained.get(i);
                if (r instanceof CarriedRunnable) {
                    drained.set(i, ((CarriedRunnable) r).task);
                }
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("ThreadPoolExecutor.shutdownNow", failure);
        }
    }

    /** Records a task (scheduled, or a ForkJoinTask) submitted from inside a scope. */
    public static void record(Object executor, Object task, boolean once) {
        if (!enabled || task == null) {
            return;
        }
        try {
            Carried carried = capture(executor, once);
            if (carried != null) {
                expungeCollected();
                TASKS.put(new TaskKey(task, COLLECTED), carried);
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("task submission", failure);
        }
    }

    /**
     * A task object a library schedules again and again (OkHttp's {@code TaskQueue.schedule}): it carries the
     * scopes of its latest scheduling, none if that was outside scopes. Its runs are {@link #recordedTaskStarts}'s.
     */
    public static void recordLatest(Object executor, Object task) {
        if (!enabled || task == null) {
            return;
        }
        try {
            Carried carried = capture(executor, false);
            if (carried != null) {
                expungeCollected();
                TASKS.put(new TaskKey(task, COLLECTED), carried);
            } else if (!TASKS.isEmpty()) {
                TASKS.remove(new TaskKey(task, null));
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("task submission", failure);
        }
    }

    /**
     * A runner is about to run {@code task} on this thread (OkHttp's {@code TaskRunner}, a {@code Timer}'s thread),
     * and tells its end by another hook ({@link #recordedTaskEnds}): the task's recorded scopes are installed until
     * then.
     */
    public static void recordedTaskStarts(Object task) {
        recordedTaskEnds();
        Object token = enterRecorded(task);
        if (token != null) {
            RUNNING_RECORDED.set(token);
        }
    }

    /** The task {@link #recordedTaskStarts} was told about ended: the thread's own scopes are put back. */
    public static void recordedTaskEnds() {
        Object token = RUNNING_RECORDED.get();
        if (token != null) {
            RUNNING_RECORDED.remove();
            exit(token);
        }
    }

    /**
     * A library queues a task of its own and hands {@code executor} a runner that drains its queue (Vert.x's
     * {@code TaskQueue}): the calling thread's scopes are taken off until {@link #exit}, so the runner is not
     * carried and runs later tasks with none; the task itself is {@link #record recorded} for that executor.
     * Returns what {@link #exit} restores, or null.
     */
    public static Object suspendScopes(Object executor) {
        if (!enabled) {
            return null;
        }
        try {
            RuntimeLink[] links = GuardBridge.links();
            boolean any = false;
            for (RuntimeLink link : links) {
                any |= link.scope() != null;
            }
            if (!any || !propagates.test(executor.getClass())) {
                return null;
            }
            return enter(new Carried(links, new Object[links.length], null, false));
        } catch (Throwable failure) {
            GuardBridge.hookFailed("task queue hand-over", failure);
            return null;
        }
    }

    /** The run of a recorded task: installs its scopes; returns what {@link #exit} restores, or null. */
    public static Object enterRecorded(Object task) {
        if (TASKS.isEmpty()) {
            return null;
        }
        try {
            TaskKey key = new TaskKey(task, null);
            Carried carried = TASKS.get(key);
            if (carried == null) {
                return null;
            }
            if (carried.once) {
                TASKS.remove(key);
            }
            return enter(carried);
        } catch (Throwable failure) {
            GuardBridge.hookFailed("task run", failure);
            return null;
        }
    }

    /** How many recorded tasks wait for their run (one-shot) or their collection (periodic). */
    public static int recordedTasks() {
        expungeCollected();
        return TASKS.size();
    }

    private static void expungeCollected() {
        for (Object ref; (ref = COLLECTED.poll()) != null; ) {
            TASKS.remove(ref);
        }
    }

    /** A task object by identity, weakly: a queued task is kept alive by its queue, not by this map. */
    private static final class TaskKey extends WeakReference<Object> {
        private final int hash;

        TaskKey(Object task, ReferenceQueue<Object> queue) {
            super(task, queue);
            this.hash = System.identityHashCode(task);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof TaskKey)) {
                return false;
            }
            Object task = get();
            return task != null && task == ((TaskKey) o).get();
        }
    }

    private static final class Token {
        final RuntimeLink[] links;
        final Object[] previous;
        final Carried previousRunning;

        Token(RuntimeLink[] links, Object[] previous, Carried previousRunning) {
            this.links = links;
            this.previous = previous;
            this.previousRunning = previousRunning;
        }
    }

    static Object enter(Carried carried) {
        if (NAMESPACE_WORKER.get() != null) {
            return null;
        }
        Object[] previous = new Object[carried.links.length];
        for (int i = 0; i < previous.length; i++) {
            previous[i] = carried.links[i].swap(carried.scopes[i]);
        }
        Carried previousRunning = RUNNING.get();
        RUNNING.set(carried);
        return new Token(carried.links, previous, previousRunning);
    }

    private static Object enterSafely(Carried carried, String hook) {
        try {
            return enter(carried);
        } catch (Throwable failure) {
            GuardBridge.hookFailed(hook, failure);
            return null;
        }
    }

    /** Puts back what {@link #enterRecorded} or a carried task's run replaced; {@code token} may be null. */
    public static void exit(Object token) {
        if (token == null) {
            return;
        }
        try {
            Token t = (Token) token;
            for (int i = 0; i < t.previous.length; i++) {
                t.links[i].swap(t.previous[i]);
            }
            if (t.previousRunning == null) {
                RUNNING.remove();
            } else {
                RUNNING.set(t.previousRunning);
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("task end", failure);
        }
    }

    /**
     * A pool worker starts its loop, or looks for its next task: it drops the scope it inherited from
     * whichever thread created it, or that a task left on it (enterCurrentThread); tasks bring their
     * own. Not for the runtime's namespace threads.
     */
    public static void workerStarts(Object executor) {
        try {
            if (POOL_WORKER.get() == null) {
                POOL_WORKER.set(Boolean.TRUE);
            }
            if (!enabled) {
                return;
            }
            // Runs before every task: the common case, a worker with no scope to drop, asks nothing more.
            RuntimeLink[] links = GuardBridge.links();
            if (scopesOf(links) == null || namespaceOwned.test(executor) || !propagates.test(executor.getClass())) {
                return;
            }
            for (RuntimeLink link : links) {
                if (link.scope() != null) {
                    link.swap(null);
                }
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("pool worker start", failure);
        }
    }

    /**
     * {@code Thread.start} inside a scope: the scopes {@code thread} inherits (the runtime's state is an
     * {@code InheritableThreadLocal}), kept until the thread starts a library's worker loop
     * ({@link #libraryWorkerStarts}) or is collected.
     */
    public static void threadInherits(Thread thread) {
        try {
            RuntimeLink[] ls = GuardBridge.links();
            Object[] scopes = new Object[ls.length];
            boolean any = false;
            for (int i = 0; i < ls.length; i++) {
                scopes[i] = ls[i].scope();
                any |= scopes[i] != null;
            }
            if (any) {
                INHERITED.put(thread, new Inherited(ls, scopes));
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("Thread.start inheritance", failure);
        }
    }

    /**
     * A library's worker loop starts on the calling thread (a Netty event loop): the thread is a pool
     * worker from now on, and drops the scopes it inherited from whichever thread started it. A scope
     * the thread entered itself (a namespace thread of {@code NetNS.threadFactory()}, which enters its
     * namespace before it runs the loop) is not an inherited one and stays, and makes the loop the
     * namespace's own: tasks handed to it from inside other scopes run in its namespace with its scope, as on
     * the runtime's executors. Only the first call on a thread does anything: later calls cost one
     * thread-local read.
     */
    public static void libraryWorkerStarts(Object executor) {
        if (POOL_WORKER.get() != null) {
            return;
        }
        try {
            POOL_WORKER.set(Boolean.TRUE);
            Inherited inherited = INHERITED.remove(Thread.currentThread());
            for (RuntimeLink link : GuardBridge.links()) {
                Object scope = link.scope();
                if (scope != null && (inherited == null || !inherited.holds(link, scope))) {
                    NAMESPACE_WORKER.set(Boolean.TRUE);
                }
            }
            if (inherited == null || !enabled || !propagates.test(executor.getClass())) {
                return;
            }
            for (int i = 0; i < inherited.links.length; i++) {
                Object scope = inherited.scopes[i];
                if (scope != null && inherited.links[i].scope() == scope) {
                    inherited.links[i].swap(null);
                }
            }
        } catch (Throwable failure) {
            GuardBridge.hookFailed("library worker start", failure);
        }
    }

    /** The scopes a thread inherited at its start, with the links they belong to. */
    private static final class Inherited {
        final RuntimeLink[] links;
        final Object[] scopes;

        Inherited(RuntimeLink[] links, Object[] scopes) {
            this.links = links;
            this.scopes = scopes;
        }

        boolean holds(RuntimeLink link, Object scope) {
            for (int i = 0; i < links.length; i++) {
                if (links[i] == link && scopes[i] == scope) {
                    return true;
                }
            }
            return false;
        }
    }

    /** True on a pool worker (marked when its loop starts). */
    public static boolean isPoolWorker() {
        return POOL_WORKER.get() != null;
    }

    /** Where the task running on this thread was submitted from inside a scope, or null. */
    public static StackTraceElement[] submittedFrom() {
        Carried carried = RUNNING.get();
        return carried == null || carried.submittedAt == null ? null : carried.submittedAt.getStackTrace();
    }
}
