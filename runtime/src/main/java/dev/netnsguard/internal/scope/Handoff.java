package dev.netnsguard.internal.scope;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One body handed from a caller to a namespace thread, and its outcome.
 *
 * <p>The caller waits by spinning briefly, then parking: on a small VM a futex wake-up across vCPUs
 * costs tens of microseconds, far more than a short body, so a caller whose body finishes within the
 * spin never sleeps. Spinning only pays while a spinner and the thread it waits for each have a
 * core; on a busy machine it takes the core from the very thread being waited for. So spinning is
 * {@linkplain Spin bounded and adaptive}: no more threads spin at once than there are processors,
 * and the spin lasts only as long as recent waits show it would have caught the event.
 *
 * <p>Interrupting the caller interrupts the body; the caller still waits for the body to finish, so
 * the body never outlives the call that owns its arguments.
 */
public abstract class Handoff {
    private static final int DONE = 1;
    /** Busy-wait iterations before a spinning thread starts yielding: long enough for an empty body. */
    static final int PURE_SPINS = 128;
    /** How long callers spin for a body's outcome. */
    static final Spin CALLERS = new Spin();

    private final Thread waiter = Thread.currentThread();
    private Thread runner;
    private volatile int state;
    private long doneAt;
    private Throwable failure;

    /** The work; whatever it throws is rethrown to the caller unchanged. */
    protected abstract void body() throws Throwable;

    /** Runs the body on the calling (namespace) thread and wakes the waiter. */
    final void runHere() {
        synchronized (this) {
            runner = Thread.currentThread();
        }
        try {
            body();
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (this) {
                doneAt = System.nanoTime();
                state = DONE;
            }
            // An interrupt the caller sent for this body must not reach the next one.
            Thread.interrupted();
            LockSupport.unpark(waiter);
        }
    }

    /** Fails the handoff without running it (the thread could not enter the namespace). */
    final void fail(Throwable cause) {
        failure = cause;
        doneAt = System.nanoTime();
        state = DONE;
        LockSupport.unpark(waiter);
    }

    /**
     * Waits until the body has run; forwards interrupts of the waiting thread to the body and
     * restores the waiter's interrupt status afterwards.
     *
     * @return the body's failure, or null
     */
    final Throwable await() {
        boolean interrupted = false;
        long start = System.nanoTime();
        long spinUntil = CALLERS.start(start);
        boolean spinning = spinUntil != start;
        boolean parked = false;
        for (int spins = 0; state != DONE; spins++) {
            if (Thread.interrupted()) {
                interrupted = true;
                interruptRunner();
            }
            if (spinning && spins < PURE_SPINS) {
                Thread.onSpinWait();
            } else if (spinning && System.nanoTime() < spinUntil) {
                // Lets the thread being waited for run if it is queued behind this one.
                Thread.yield();
            } else {
                if (spinning) {
                    spinning = false;
                    CALLERS.stop();
                }
                parked = true;
                LockSupport.park(this);
            }
        }
        if (spinning) {
            CALLERS.stop();
        }
        if (parked) {
            CALLERS.missed(doneAt - start);
        } else {
            CALLERS.caught();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private synchronized void interruptRunner() {
        if (state != DONE && runner != null) {
            runner.interrupt();
        }
    }

    /**
     * How long threads waiting for one kind of event spin before they park, learnt from the waits
     * so far: a wait that a spin caught lengthens the next spin, a wait that had to park shortens
     * it unless the event came soon enough that a longer spin would have caught it. No more
     * threads spin at once, over all kinds, than there are processors; the others park at once.
     */
    static final class Spin {
        /** The longest spin: past it, a futex wake-up (tens of microseconds on a small VM) is cheaper. */
        static final long MAX_NANOS = 50_000;
        /** The shortest spin, kept so that a machine that became idle again is noticed. */
        static final long MIN_NANOS = 1_000;
        private static final AtomicInteger SPINNING = new AtomicInteger();
        private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

        private volatile long nanos = MAX_NANOS;

        /**
         * Starts a wait at {@code now}: returns the time until which to spin, or {@code now} itself
         * if this thread must not spin (as many threads as processors spin already). A thread given
         * a spin must call {@link #stop()} when it stops spinning.
         */
        long start(long now) {
            if (SPINNING.incrementAndGet() > PROCESSORS) {
                SPINNING.decrementAndGet();
                return now;
            }
            return now + nanos;
        }

        void stop() {
            SPINNING.decrementAndGet();
        }

        /** The event came while the thread spun: spin a little longer next time. */
        void caught() {
            long n = nanos;
            if (n < MAX_NANOS) {
                nanos = Math.min(MAX_NANOS, n + (n >> 2) + MIN_NANOS);
            }
        }

        /** The thread parked; the event came {@code after} nanoseconds into the wait. */
        void missed(long after) {
            long n = nanos;
            if (after < MAX_NANOS) {
                // A spin of that length would have caught it.
                nanos = Math.max(n, Math.min(MAX_NANOS, after + (after >> 1)));
            } else if (n > MIN_NANOS) {
                nanos = Math.max(MIN_NANOS, n >> 1);
            }
        }
    }
}
