package dev.netnsguard;

import dev.netnsguard.testing.Commands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long runs, CI-sized: many calls, many create/delete cycles, handles closed and namespaces deleted
 * while bodies run. Each test asserts counts (bodies in the right namespace, typed outcomes) and that
 * the JVM's file descriptors ({@code /proc/self/fd}), its threads and the mount table entries of its
 * namespaces ({@code /proc/self/mountinfo}) are as they were before it. Every wait is bounded: a
 * call that does not come back is reported as a hang, never waited for forever.
 */
class SoakTest {
    private static final String PREFIX = "ngtest-soak-" + ProcessHandle.current().pid() + "-";
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final long HANG_SECONDS = 60;
    private static final long LEFTOVER_THREAD_SECONDS = 10;
    private static final String SELF_FD_DIR = "/proc/" + ProcessHandle.current().pid() + "/fd";

    private Footprint before;

    /** What a long run must give back: open fds, live threads, and this test's mounts under the run directory. */
    private static final class Footprint {
        final Set<String> fds;
        final Set<Thread> threads;
        final List<String> runDirMounts;

        Footprint() {
            fds = openFds();
            threads = new HashSet<>(Thread.getAllStackTraces().keySet());
            runDirMounts = runDirMounts();
        }

        /** Each fd with what it points to, so a leak says what leaked. */
        private static Set<String> openFds() {
            try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
                Set<String> fds = new HashSet<>();
                for (Path fd : (Iterable<Path>) entries::iterator) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (!target.equals(SELF_FD_DIR)) {
                            fds.add(fd.getFileName() + " -> " + target);
                        }
                    } catch (IOException gone) {
                        // closed between the listing and the read: not open now
                    }
                }
                return fds;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The mount points in /proc/self/mountinfo that are this test's names, or the run directory itself. */
    private static List<String> runDirMounts() {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.equals(RunDir.PATH) || mountPoint.startsWith(RunDir.PATH + "/" + PREFIX)) {
                    mounts.add(mountPoint);
                }
            }
            return mounts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long mountsOf(String name) {
        return runDirMounts().stream().filter(m -> m.equals(RunDir.PATH + "/" + name)).count();
    }

    private static String newName() {
        return PREFIX + SERIAL.incrementAndGet();
    }

    /** The inode of the calling thread's network namespace, read from the kernel. */
    private static long threadInode() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            return Long.parseLong(link.substring("net:[".length(), link.length() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void warmUpThenMeasure() {
        // Class loading, JNA's native library, the run directory's mount and the process reaper
        // thread come once per JVM; they are not what a long run may leak.
        String name = newName();
        try (NetNS ns = NetNS.createNamed(name)) {
            ns.call(host -> threadInode());
            ns.openServerSocketChannel().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            NetNS.deleteNamed(name);
        }
        Commands.run("ip", "netns", "list");
        before = new Footprint();
    }

    @AfterEach
    void deleteLeftovers() {
        for (String name : NetNS.listNamed()) {
            if (name.startsWith(PREFIX)) {
                NetNS.deleteNamed(name);
            }
        }
    }

    /**
     * Waits for the threads born since {@link #before} to end. Threads of closed handles and shut-down
     * pools end once woken; the bound is below the namespace threads' idle keep-alive, so a namespace
     * thread that nobody shut down is still caught.
     */
    private void awaitNewThreadsEnded() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEFTOVER_THREAD_SECONDS);
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            long left = deadline - System.nanoTime();
            if (!before.threads.contains(thread) && left > 0) {
                try {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Fails unless fds, threads and mounts are what they were before the test. */
    private void assertNothingLeftBehind() {
        awaitNewThreadsEnded();
        Footprint after = new Footprint();
        Set<String> newFds = new HashSet<>(after.fds);
        newFds.removeAll(before.fds);
        Set<String> goneFds = new HashSet<>(before.fds);
        goneFds.removeAll(after.fds);
        assertEquals(Set.of(), newFds, "file descriptors left open (closed meanwhile: " + goneFds + ")");
        List<String> newThreads = after.threads.stream().filter(t -> !before.threads.contains(t) && t.isAlive())
                .map(t -> t.getName() + " " + t.getState()).sorted().collect(Collectors.toList());
        assertEquals(List.of(), newThreads, "threads left running");
        assertEquals(before.runDirMounts, after.runDirMounts, "mounts left under " + RunDir.PATH);
        assertEquals(List.of(), NetNS.listNamed().stream().filter(n -> n.startsWith(PREFIX)).collect(Collectors.toList()),
                "named namespaces left");
    }

    /** Waits for {@code future}, failing with a thread dump of the namespace threads if it hangs. */
    private static <T> T within(Future<T> future, String what) throws InterruptedException {
        try {
            return future.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            StringBuilder dump = new StringBuilder(what + " hung for " + HANG_SECONDS + " s; namespace threads:\n");
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (thread.getName().startsWith("netns-")) {
                    dump.append(thread).append('\n');
                    for (StackTraceElement frame : stack) {
                        dump.append("\tat ").append(frame).append('\n');
                    }
                }
            });
            throw new AssertionError(dump.toString());
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed", e.getCause());
        }
    }

    @Test
    void hundredThousandCallsAcrossNamespacesLeaveNothingBehind() throws Exception {
        int namespaces = 4;
        int callers = 8;
        int callsPerCaller = 12_500;
        List<String> names = new ArrayList<>();
        List<NetNS> handles = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int i = 0; i < namespaces; i++) {
                // Half named (bind mounts), half anonymous: both kinds of handle are soaked.
                if (i % 2 == 0) {
                    String name = newName();
                    names.add(name);
                    handles.add(NetNS.createNamed(name));
                } else {
                    handles.add(NetNS.create());
                }
            }
            AtomicLong bodies = new AtomicLong();
            AtomicLong misplaced = new AtomicLong();
            AtomicLong socketsBornInside = new AtomicLong();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < callsPerCaller; i++) {
                        NetNS ns = handles.get((caller + i) % namespaces);
                        boolean withSocket = i % 100 == 0;
                        long inside = ns.call(host -> {
                            bodies.incrementAndGet();
                            if (withSocket) {
                                try (ServerSocketChannel server = ServerSocketChannel.open()) {
                                    server.bind(null);
                                    try (NetNS born = NetNS.of(server)) {
                                        if (born.equals(ns)) {
                                            socketsBornInside.incrementAndGet();
                                        }
                                    }
                                }
                            }
                            return threadInode();
                        });
                        if (inside != ns.inode()) {
                            misplaced.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                within(caller, "a caller of 12,500 calls");
            }
            assertEquals((long) callers * callsPerCaller, bodies.get(), "bodies run");
            assertEquals(0, misplaced.get(), "bodies that ran outside their namespace");
            assertEquals((long) callers * callsPerCaller / 100, socketsBornInside.get(), "sockets born inside");
            assertEquals(namespaces / 2, names.stream().filter(n -> mountsOf(n) == 1).count(),
                    "the named namespaces are mounted while in use");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(HANG_SECONDS, TimeUnit.SECONDS), "callers did not end");
            handles.forEach(NetNS::close);
            names.forEach(NetNS::deleteNamed);
        }
        assertNothingLeftBehind();
    }

    @Test
    void thousandCreateDeleteCyclesLeaveNothingBehind() {
        int cycles = 1_000;
        int inside = 0;
        for (int i = 0; i < cycles; i++) {
            String name = newName();
            try (NetNS ns = NetNS.createNamed(name)) {
                if (ns.call(host -> threadInode()) == ns.inode()) {
                    inside++;
                }
                assertEquals(1, mountsOf(name), name + " is mounted");
            } finally {
                NetNS.deleteNamed(name);
            }
            assertEquals(0, mountsOf(name), name + " is unmounted");
        }
        assertEquals(cycles, inside, "cycles whose body ran inside the new namespace");
        assertNothingLeftBehind();
    }

    /**
     * Handles closed while callers keep calling: every call returns its (correct) result or throws
     * {@link NetNSClosedException}; nothing else, and nothing hangs.
     */
    @Test
    void handlesClosedWhileCallsAreInFlightGiveResultsOrClosedErrors() throws Exception {
        int rounds = 200;
        int callers = 4;
        Map<String, Integer> unexpected = new TreeMap<>();
        List<Throwable> firstOfEach = new ArrayList<>();
        AtomicLong results = new AtomicLong();
        AtomicLong closedErrors = new AtomicLong();
        AtomicLong misplaced = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (int round = 0; round < rounds; round++) {
                NetNS ns = NetNS.create();
                long inode = ns.inode();
                CountDownLatch calling = new CountDownLatch(callers);
                Map<Class<?>, Throwable> failures = new ConcurrentHashMap<>();
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    running.add(pool.submit(() -> {
                        boolean counted = false;
                        while (true) {
                            try {
                                long where = ns.call(host -> threadInode());
                                results.incrementAndGet();
                                if (where != inode) {
                                    misplaced.incrementAndGet();
                                }
                            } catch (NetNSClosedException expected) {
                                closedErrors.incrementAndGet();
                                return null;
                            } catch (Throwable other) {
                                failures.putIfAbsent(other.getClass(), other);
                                return null;
                            } finally {
                                if (!counted) {
                                    counted = true;
                                    calling.countDown();
                                }
                            }
                        }
                    }));
                }
                assertTrue(calling.await(HANG_SECONDS, TimeUnit.SECONDS), "callers did not start calling");
                ns.close();
                for (Future<?> caller : running) {
                    within(caller, "a caller of a handle being closed");
                }
                failures.forEach((type, failure) -> {
                    if (unexpected.merge(type.getName(), 1, Integer::sum) == 1) {
                        firstOfEach.add(failure);
                    }
                });
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(HANG_SECONDS, TimeUnit.SECONDS), "callers did not end");
        }
        if (!unexpected.isEmpty()) {
            AssertionError error = new AssertionError("calls on a closing handle failed with other than"
                    + " NetNSClosedException (type -> rounds): " + unexpected);
            firstOfEach.forEach(error::addSuppressed);
            throw error;
        }
        assertEquals((long) rounds * callers, closedErrors.get(), "every caller ends with NetNSClosedException");
        assertTrue(results.get() >= rounds * callers, "every caller's first call began before the close: " + results);
        assertEquals(0, misplaced.get(), "bodies that ran outside their namespace");
        assertNothingLeftBehind();
    }

    /**
     * A body that is running when its handle closes runs to its end and its caller gets the result;
     * the next call is refused.
     */
    @Test
    void closeWaitsForNoBodyAndTheRunningBodiesStillReturn() throws Exception {
        int bodies = 4;
        NetNS ns = NetNS.create();
        CountDownLatch inside = new CountDownLatch(bodies);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(bodies);
        try {
            List<Future<Long>> running = new ArrayList<>();
            for (int i = 0; i < bodies; i++) {
                running.add(pool.submit(() -> ns.call(host -> {
                    inside.countDown();
                    if (!release.await(HANG_SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError("never released");
                    }
                    return threadInode();
                })));
            }
            assertTrue(inside.await(HANG_SECONDS, TimeUnit.SECONDS), "bodies did not start");
            ns.close();
            assertThrows(NetNSClosedException.class, () -> ns.call(host -> 1));
            release.countDown();
            for (Future<Long> body : running) {
                assertEquals(ns.inode(), within(body, "a body running across close"));
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(HANG_SECONDS, TimeUnit.SECONDS), "callers did not end");
        }
        assertNothingLeftBehind();
    }

    /**
     * {@code ip netns delete} (and {@link NetNS#deleteNamed}) while bodies run inside: the name and its
     * mount go at once, the running bodies finish inside the namespace, which the handle keeps alive
     * for further calls; the name is then unknown to both tools.
     */
    @Test
    void namespaceDeletedWhileBodiesRunInIt() throws Exception {
        int rounds = 20;
        int bodies = 3;
        ExecutorService pool = Executors.newFixedThreadPool(bodies);
        int finishedInside = 0;
        int callsAfterDelete = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                boolean withIproute2 = round % 2 == 0;
                String name = newName();
                try (NetNS ns = NetNS.createNamed(name)) {
                    CountDownLatch inside = new CountDownLatch(bodies);
                    CountDownLatch release = new CountDownLatch(1);
                    List<Future<Long>> running = new ArrayList<>();
                    for (int i = 0; i < bodies; i++) {
                        running.add(pool.submit(() -> ns.call(host -> {
                            inside.countDown();
                            if (!release.await(HANG_SECONDS, TimeUnit.SECONDS)) {
                                throw new AssertionError("never released");
                            }
                            return threadInode();
                        })));
                    }
                    try {
                        assertTrue(inside.await(HANG_SECONDS, TimeUnit.SECONDS), "bodies did not start");
                        assertEquals(1, mountsOf(name));
                        if (withIproute2) {
                            Commands.run("ip", "netns", "delete", name);
                        } else {
                            NetNS.deleteNamed(name);
                        }
                        assertEquals(0, mountsOf(name), name + " still mounted after delete");
                        assertFalse(NetNS.listNamed().contains(name));
                        assertThrows(NoSuchNetNSException.class, () -> NetNS.openNamed(name));
                        assertThrows(NoSuchNetNSException.class, () -> NetNS.deleteNamed(name));
                    } finally {
                        release.countDown();
                    }
                    for (Future<Long> body : running) {
                        if (within(body, "a body whose namespace was deleted") == ns.inode()) {
                            finishedInside++;
                        }
                    }
                    if (ns.call(host -> threadInode()) == ns.inode()) {
                        callsAfterDelete++;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(HANG_SECONDS, TimeUnit.SECONDS), "callers did not end");
        }
        assertEquals(rounds * bodies, finishedInside, "bodies that finished inside their deleted namespace");
        assertEquals(rounds, callsAfterDelete, "calls on a handle whose name was deleted");
        assertNothingLeftBehind();
    }
}
