package dev.netnsguard.internal.scope;

import java.util.concurrent.locks.LockSupport;

/**
 * One body handed from a caller to a namespace thread, and its outcome.
 *
 * <p>The caller waits by spinning briefly, then parking: on a small VM a futex wake-up across vCPUs
 * costs tens of microseconds, far more than a short body, so a caller whose body finishes within the
 * spin never sleeps. Interrupting the caller interrupts the body; the caller still waits for the
 * body to finish, so the body never outlives the call that owns its arguments.
 */
public abstract class Handoff {
    private static final int DONE = 1;
    private static final long SPIN_NANOS = 50_000;

    private final Thread waiter = Thread.currentThread();
    private Thread runner;
    private volatile int state;
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
        long deadline = System.nanoTime() + SPIN_NANOS;
        for (int spins = 0; state != DONE; spins++) {
            if (Thread.interrupted()) {
                interrupted = true;
                interruptRunner();
            }
            if (spins < 128) {
                Thread.onSpinWait();
            } else if (System.nanoTime() < deadline) {
                Thread.yield();
            } else {
                LockSupport.park(this);
            }
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
}
