package dev.netnsguard.testing;

import dev.netnsguard.internal.scope.ThreadNamespace;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Thread facts for tests: the namespace a thread is in, and virtual threads on a Java 17 build. */
public final class Threads {
    private Threads() {}

    /** The inode of the calling OS thread's network namespace (for a virtual thread: its carrier's). */
    public static long inode() {
        return ThreadNamespace.currentInode();
    }

    /** Runs {@code work} on a new virtual thread and returns its result; skips the test before Java 21. */
    public static <T> T onVirtualThread(Callable<T> work) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+; this suite runs them on JDK 25");
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        };
        try {
            MethodHandle startVirtual = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
            startVirtual.invoke(task);
        } catch (Throwable t) {
            throw new AssertionError("cannot start a virtual thread", t);
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }
}
