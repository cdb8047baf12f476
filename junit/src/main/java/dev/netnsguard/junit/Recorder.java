package dev.netnsguard.junit;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.Violation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The one listener on the guard (per JVM) and the open windows it hands violations to: a window per
 * running test and per running test class. The guard calls the listener on the offending thread,
 * so a violation reported on a window's own thread goes to that window; any other goes to every
 * open test window, or, while no test runs, to every open class window.
 */
final class Recorder {
    /** Violations kept in full per window; the rest are only counted. */
    static final int KEPT = 1000;

    private static final Set<Window> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static boolean listening;

    private Recorder() {}

    static synchronized void listen() {
        if (!listening) {
            NetnsGuard.addListener(Recorder::violation);
            listening = true;
        }
    }

    static Window open(boolean test) {
        Window window = new Window(Thread.currentThread(), test);
        OPEN.add(window);
        return window;
    }

    static void close(Window window) {
        OPEN.remove(window);
    }

    /** Called by the guard on the thread that did the wrong thing. */
    static void violation(Violation violation) {
        Thread thread = Thread.currentThread();
        List<Window> open = new ArrayList<>(OPEN);
        // 1. a test running on this thread; 2. else a class whose callbacks run on this thread
        if (deliver(open, violation, w -> w.test && w.owner == thread)
                || deliver(innermostClasses(open), violation, w -> w.owner == thread)) {
            return;
        }
        // 3. another thread: every test running now; 4. none: the classes running now
        if (!deliver(open, violation, w -> w.test)) {
            deliver(innermostClasses(open), violation, w -> true);
        }
    }

    /** Per thread, the class window opened last (a nested class rather than its enclosing class). */
    private static List<Window> innermostClasses(List<Window> open) {
        Map<Thread, Window> latest = new HashMap<>();
        for (Window w : open) {
            if (!w.test) {
                latest.merge(w.owner, w, (a, b) -> a.sequence > b.sequence ? a : b);
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static boolean deliver(List<Window> windows, Violation violation, Predicate<Window> which) {
        boolean any = false;
        for (Window w : windows) {
            if (which.test(w)) {
                w.add(violation);
                any = true;
            }
        }
        return any;
    }

    /** The violations reported while a test (or a class) ran. */
    static final class Window {
        final Thread owner;
        final boolean test;
        final long sequence = SEQUENCE.incrementAndGet();
        private final List<Violation> kept = new ArrayList<>();
        private final AtomicInteger total = new AtomicInteger();

        Window(Thread owner, boolean test) {
            this.owner = owner;
            this.test = test;
        }

        void add(Violation violation) {
            total.incrementAndGet();
            synchronized (kept) {
                if (kept.size() < KEPT) {
                    kept.add(violation);
                }
            }
        }

        List<Violation> kept() {
            synchronized (kept) {
                return new ArrayList<>(kept);
            }
        }

        int total() {
            return total.get();
        }
    }
}
