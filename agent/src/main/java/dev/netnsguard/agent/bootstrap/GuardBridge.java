package dev.netnsguard.agent.bootstrap;

import dev.netnsguard.NetNSViolationError;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The bootstrap-side half of the agent: what the inlined advice in JDK classes calls, and the end
 * of the runtime's {@code dev.netnsguard.internal.scope.GuardLink}. Loaded by the bootstrap class loader;
 * depends on JDK types only (and {@link NetNSViolationError}, shipped beside it).
 *
 * <p>At each guarded call it compares the namespace the code expects (read from the runtime's scope
 * state, never copied) with the namespace it really runs in: for new sockets, lookups, processes
 * and netlink the OS thread's (cached per OS thread, see {@link #actualOfThread()}), for operations
 * on an existing socket the one it was born in. A mismatch goes to the agent's {@link ViolationSink}.
 */
public final class GuardBridge {
    /** Nothing is checked. */
    public static final int OFF = 0;
    /** Violations are reported; behaviour is unchanged. */
    public static final int REPORT = 2;
    /** Violations are reported and thrown as {@link NetNSViolationError}. */
    public static final int STRICT = 3;

    private static final long ANY = -1;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self/ns/net");

    private static volatile int mode = OFF;
    private static volatile long launchInode;
    private static volatile boolean expectAny;
    private static volatile int recheckEvery;
    private static volatile ViolationSink sink;

    private static volatile LongSupplier[] expectedSuppliers = new LongSupplier[0];
    private static volatile Supplier<?>[] captures = new Supplier<?>[0];
    /** Per runtime, for carrying scopes along with work (context propagation, {@link Propagation}). */
    private static volatile UnaryOperator<?>[] swaps = new UnaryOperator<?>[0];
    private static volatile ToLongFunction<?>[] inodesOf = new ToLongFunction<?>[0];
    /**
     * The constructor of the NetNSViolationError the application sees, where that is not the
     * bootstrap copy: a runtime jar whose copy was loaded before the agent attached.
     */
    private static volatile MethodHandle applicationError;
    private static final ThreadLocal<boolean[]> BUSY = new ThreadLocal<>();
    private static final int[] SELF_TEST_HITS = new int[ViolationKind.values().length];

    private GuardBridge() {}

    // ------------------------------------------------------------------ configuration (agent side)

    /** Sets everything but the mode; the agent calls it once the module access is granted. */
    public static void configure(long launch, boolean anyOutsideScope, int recheck, ViolationSink violations) {
        launchInode = launch;
        expectAny = anyOutsideScope;
        recheckEvery = recheck;
        sink = violations;
    }

    public static void setMode(int newMode) {
        mode = newMode;
    }

    public static int mode() {
        return mode;
    }

    /** The inode of the namespace the JVM was launched in, as the guard took it at install; 0 before. */
    public static long launchInode() {
        return launchInode;
    }

    /** True if the per-thread cache is per carrier (JDK 21+). */
    public static boolean carrierLocal() {
        return ThreadStates.CARRIER_LOCAL;
    }

    private static volatile Thread selfTestThread;
    private static final long SELF_TEST_INODE = -2;

    /**
     * Starts the self-test on the calling thread: its cached namespace is set to an impossible value,
     * so every thread-based hook it runs takes the slow path, where it is counted instead of reported.
     * Other threads are checked as usual meanwhile.
     */
    public static synchronized void beginSelfTest() {
        Arrays.fill(SELF_TEST_HITS, 0);
        selfTestThread = Thread.currentThread();
        forgeSelfTestState();
    }

    private static void forgeSelfTestState() {
        ThreadState state = ThreadStates.LOCAL.get();
        if (state == null) {
            state = new ThreadState();
            ThreadStates.LOCAL.set(state);
        }
        state.inode = SELF_TEST_INODE;
        state.countdown = Integer.MAX_VALUE;
    }

    /** Ends the self-test; returns how often each hook fired on the self-test thread. */
    public static synchronized int[] endSelfTest() {
        selfTestThread = null;
        ThreadState state = ThreadStates.LOCAL.get();
        if (state != null) {
            state.inode = readThreadInode();
            state.countdown = recheckEvery;
        }
        return SELF_TEST_HITS.clone();
    }

    static Supplier<?>[] captures() {
        return captures;
    }

    static UnaryOperator<?>[] swaps() {
        return swaps;
    }

    /** How many runtimes (class loaders) connected their scope state. */
    public static int connectedRuntimes() {
        return expectedSuppliers.length;
    }

    // ------------------------------------------------------------------ the runtime's GuardLink contract

    /**
     * Called by the runtime's {@code GuardLink.connect()} (reflectively; JDK types only). Returns the
     * listener the runtime calls right after it moved the calling thread into namespace {@code inode}.
     * Several runtimes (class loaders) may connect; a thread expects the first non-zero answer.
     * {@code capture} and {@code swap} are kept, index for index, for context propagation ({@link Propagation}).
     */
    public static synchronized LongConsumer connectScopes(LongSupplier expectedInode, Supplier<Object> capture,
            UnaryOperator<Object> swap, ToLongFunction<Object> inodeOf) {
        LongSupplier[] suppliers = expectedSuppliers;
        int known = -1;
        for (int i = 0; i < suppliers.length; i++) {
            if (suppliers[i].getClass() == expectedInode.getClass()) {
                known = i; // the same runtime connecting again (from the runtime and from the agent)
            }
        }
        if (known < 0) {
            LongSupplier[] more = Arrays.copyOf(suppliers, suppliers.length + 1);
            more[suppliers.length] = expectedInode;
            Supplier<?>[] moreCaptures = Arrays.copyOf(captures, captures.length + 1);
            moreCaptures[captures.length] = capture;
            captures = moreCaptures;
            UnaryOperator<?>[] moreSwaps = Arrays.copyOf(swaps, swaps.length + 1);
            moreSwaps[swaps.length] = swap;
            swaps = moreSwaps;
            ToLongFunction<?>[] moreInodesOf = Arrays.copyOf(inodesOf, inodesOf.length + 1);
            moreInodesOf[inodesOf.length] = inodeOf;
            inodesOf = moreInodesOf;
            expectedSuppliers = more;
            findApplicationError(expectedInode.getClass().getClassLoader());
        }
        return GuardBridge::threadSwitched;
    }

    private static void findApplicationError(ClassLoader runtimeLoader) {
        try {
            Class<?> error = Class.forName(NetNSViolationError.class.getName(), false, runtimeLoader);
            if (error != NetNSViolationError.class && Error.class.isAssignableFrom(error)) {
                applicationError = MethodHandles.publicLookup().findConstructor(error,
                        MethodType.methodType(void.class, String.class, String.class));
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // keep the bootstrap copy
        }
    }

    private static Error newError(ViolationKind kind, String message) {
        MethodHandle constructor = applicationError;
        if (constructor != null) {
            try {
                return (Error) constructor.invoke(kind.name(), message);
            } catch (Throwable e) {
                // fall back to the bootstrap copy
            }
        }
        return new NetNSViolationError(kind.name(), message);
    }

    /** The runtime moved the calling platform thread into namespace {@code inode}. */
    public static void threadSwitched(long inode) {
        if (sink == null) {
            return; // not configured yet: the first check reads /proc
        }
        ThreadLocal<ThreadState> local = ThreadStates.LOCAL;
        ThreadState state = local.get();
        if (state == null) {
            state = new ThreadState();
            local.set(state);
        }
        state.inode = inode;
        state.countdown = recheckEvery;
    }

    // ------------------------------------------------------------------ hooks (called by inlined advice)

    /** {@code sun.nio.ch.Net.socket/serverSocket}, before the socket is created. */
    public static void socketOpen() {
        checkThread(ViolationKind.SOCKET_OPEN, null);
    }

    /** {@code sun.nio.ch.Net.socket/serverSocket} returned {@code fd}: record where it was born. */
    public static void socketOpened(FileDescriptor fd) {
        if (mode >= REPORT) {
            SocketTable.record(fd, actualOfThread());
        }
    }

    /** {@code sun.nio.ch.Net.bind}. */
    public static void socketBind(FileDescriptor fd) {
        checkSocket(ViolationKind.SOCKET_BIND, fd, null);
    }

    /** {@code sun.nio.ch.Net.connect}. */
    public static void socketConnect(FileDescriptor fd, Object remote) {
        checkSocket(ViolationKind.SOCKET_CONNECT, fd, remote);
    }

    /** {@code sun.nio.ch.DatagramChannelImpl.send(fd, buffer, target)}: a send on an unconnected socket. */
    public static void datagramSend(FileDescriptor fd, Object target) {
        checkSocket(ViolationKind.SOCKET_SEND, fd, target);
    }

    /** {@code java.net.InetAddress} name lookups (the designated lookup method; cache hits included). */
    public static void dnsLookup(Object host) {
        checkThread(ViolationKind.DNS_LOOKUP, host);
    }

    // ------------------------------------------------------------------ the JVM-wide name cache

    /** Host name (lower case) -> namespace it was last resolved in (positive or negative answer). */
    private static final java.util.concurrent.ConcurrentHashMap<String, Long> RESOLVED_IN =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int RESOLVED_MAX = 4096;
    /** Per thread: whether the lookup in progress resolved (true) or was answered from the cache. */
    private static final ThreadLocal<boolean[]> RESOLVING = new ThreadLocal<>();

    /** {@code InetAddress.getAddressesFromNameService}: {@code host} is resolved by the calling thread. */
    public static void dnsResolving(Object host) {
        if (mode < REPORT || !(host instanceof String)) {
            return;
        }
        if (RESOLVED_IN.size() >= RESOLVED_MAX) {
            RESOLVED_IN.clear();
        }
        RESOLVED_IN.put(((String) host).toLowerCase(java.util.Locale.ROOT), actualOfThread());
        boolean[] resolving = RESOLVING.get();
        if (resolving != null) {
            resolving[0] = true;
        }
    }

    /** A lookup starts; returns a token for {@link #dnsLookupEnds}, or null outside scopes. */
    public static Object dnsLookupStarts() {
        if (mode < REPORT || scopeExpected() == 0) {
            return null;
        }
        boolean[] resolving = RESOLVING.get();
        if (resolving == null) {
            resolving = new boolean[1];
            RESOLVING.set(resolving);
        }
        Boolean previous = resolving[0];
        resolving[0] = false;
        return previous;
    }

    /**
     * A lookup inside a scope ended. If it did not resolve (the answer came from the cache) and the
     * cached answer was resolved in another namespace than the scope's, that is a DNS_LOOKUP.
     */
    public static void dnsLookupEnds(Object host, Object token) {
        if (token == null) {
            return;
        }
        boolean[] resolving = RESOLVING.get();
        boolean resolved = resolving[0];
        resolving[0] = (Boolean) token;
        if (resolved || mode < REPORT || !(host instanceof String)) {
            return;
        }
        String name = ((String) host).toLowerCase(java.util.Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return; // the loopback in every namespace
        }
        Long resolvedIn = RESOLVED_IN.get(name);
        long expected = scopeExpected();
        if (resolvedIn == null || resolvedIn == 0 || expected == 0 || resolvedIn == expected) {
            return;
        }
        if (actualOfThread() != expected) {
            return; // the thread itself is in the wrong place: reported when the lookup started
        }
        violation(ViolationKind.DNS_LOOKUP, expected, resolvedIn,
                host + " (answered from the JVM-wide InetAddress cache, resolved in net:[" + resolvedIn + "])", false);
    }

    /** {@code java.lang.ProcessImpl.start}. */
    public static void processStart(Object command) {
        checkThread(ViolationKind.PROCESS_START, command);
    }

    /** The runtime's {@code dev.netnsguard.netlink.RouteSocket.openOnCurrentThread}. */
    public static void netlinkOpen() {
        checkThread(ViolationKind.NETLINK_OPEN, null);
    }

    /** {@code Thread.start}: records where a platform thread is born, when that is not the launch namespace. */
    public static void threadStarting(Thread thread) {
        if (mode < REPORT) {
            return;
        }
        long inode = actualOfThread();
        if (inode != launchInode && inode != 0 && inode != SELF_TEST_INODE) {
            Births.record(thread, inode, scopeExpected() != 0);
        }
    }

    // ------------------------------------------------------------------ checks

    private static void checkThread(ViolationKind kind, Object detail) {
        if (mode < REPORT) {
            return;
        }
        long expected = expected();
        if (expected == ANY) {
            if (selfTestThread == Thread.currentThread()) {
                selfTestHit(kind);
            }
            return;
        }
        long actual = actualOfThread();
        if (actual != expected) {
            violation(kind, expected, actual, detail, true);
        }
    }

    /**
     * An operation on an existing socket: inside a scope, the socket must live in the namespace the
     * scope expects. Outside scopes any socket may be used (one born in a namespace on purpose is
     * fine; one born in the wrong place was reported when it was created).
     */
    private static void checkSocket(ViolationKind kind, FileDescriptor fd, Object detail) {
        if (mode < REPORT) {
            return;
        }
        long expected = scopeExpected();
        if (expected == 0) {
            return;
        }
        long actual = SocketTable.bornIn(fd);
        boolean ofThread = actual == 0;
        if (ofThread) {
            actual = actualOfThread();
        }
        if (actual != expected) {
            violation(kind, expected, actual, detail, ofThread);
        }
    }

    private static long scopeExpected() {
        LongSupplier[] suppliers = expectedSuppliers;
        for (LongSupplier supplier : suppliers) {
            long inode = supplier.getAsLong();
            if (inode != 0) {
                return inode;
            }
        }
        return 0;
    }

    private static long expected() {
        long inode = scopeExpected();
        if (inode != 0) {
            return inode;
        }
        return expectAny ? ANY : launchInode;
    }

    /**
     * The namespace of the calling OS thread (a virtual thread's carrier), from a per-thread cache:
     * read from /proc on a thread's first check, updated by the runtime when it switches the thread,
     * re-read every {@code recheckEvery} checks to catch native setns, and re-read before any
     * violation is reported, so a stale entry can hide a switch for a while but never invents one.
     */
    static long actualOfThread() {
        ThreadLocal<ThreadState> local = ThreadStates.LOCAL;
        ThreadState state = local.get();
        if (state == null) {
            state = new ThreadState();
            state.inode = readThreadInode();
            state.countdown = recheckEvery;
            local.set(state);
            return state.inode;
        }
        if (--state.countdown <= 0) {
            int every = recheckEvery;
            state.countdown = every > 0 ? every : Integer.MAX_VALUE;
            if (every > 0) {
                long now = readThreadInode();
                if (now != 0) {
                    state.inode = now;
                }
            }
        }
        return state.inode;
    }

    /** Reads /proc/thread-self/ns/net; 0 if it cannot be read. */
    public static long readThreadInode() {
        try {
            String link = Files.readSymbolicLink(THREAD_SELF).toString();
            int open = link.indexOf('[');
            int close = link.indexOf(']', open);
            return Long.parseLong(link, open + 1, close, 10);
        } catch (Exception | LinkageError e) {
            return 0;
        }
    }

    private static void violation(ViolationKind kind, long expected, long actual, Object detail, boolean ofThread) {
        if (actual == SELF_TEST_INODE && Thread.currentThread() == selfTestThread) {
            selfTestHit(kind);
            forgeSelfTestState();
            return;
        }
        boolean[] busy = BUSY.get();
        if (busy == null) {
            busy = new boolean[1];
            BUSY.set(busy);
        }
        if (busy[0]) {
            return; // the guard's own work
        }
        Error error = null;
        busy[0] = true;
        try {
            if (ofThread) {
                long fresh = readThreadInode();
                ThreadState state = ThreadStates.LOCAL.get();
                if (state != null && fresh != 0) {
                    state.inode = fresh;
                }
                if (fresh == 0 || fresh == expected) {
                    return;
                }
                actual = fresh;
            }
            ViolationSink violations = sink;
            if (violations == null) {
                return;
            }
            if (ofThread && actual != launchInode) {
                String stray = strayThread(kind, detail);
                if (stray != null) {
                    kind = ViolationKind.STRAY_THREAD;
                    detail = stray;
                }
            }
            String message = violations.report(kind, expected, actual, expectedLabel(expected), detail);
            if (message != null && mode == STRICT) {
                error = newError(kind, message);
            }
        } catch (Throwable failure) {
            ViolationSink violations = sink;
            if (violations != null) {
                try {
                    violations.internalError(failure);
                } catch (Throwable ignored) {
                    // never disturb the application
                }
            }
        } finally {
            busy[0] = false;
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * A thread-based violation on a thread outside the launch namespace that serves other code: a pool
     * worker (ThreadPoolExecutor, ForkJoinPool) or the carrier under a virtual thread. Returns the
     * detail to report (the operation, and where the thread came from), or null if it is no stray.
     */
    private static String strayThread(ViolationKind kind, Object detail) {
        Thread thread = Thread.currentThread();
        String what;
        if (thread.getClass().getName().equals("java.lang.VirtualThread")) {
            what = "the carrier thread of " + thread; // VirtualThread[#id,name]/runnable@carrier
        } else if (thread instanceof java.util.concurrent.ForkJoinWorkerThread || Propagation.isPoolWorker()) {
            Births.Birth birth = Births.of(thread);
            what = "pool thread \"" + thread.getName() + "\", " + (birth != null ? birth.toString()
                    : "switched into it after its birth (enterCurrentThread or native setns)");
        } else {
            return null;
        }
        return kind.name() + (detail == null ? "" : " " + describe(detail)) + " on " + what;
    }

    private static String describe(Object detail) {
        if (detail instanceof String[]) {
            return String.join(" ", (String[]) detail);
        }
        return String.valueOf(detail);
    }

    private static String expectedLabel(long expected) {
        LongSupplier[] suppliers = expectedSuppliers;
        Supplier<?>[] scopes = captures;
        for (int i = 0; i < suppliers.length && i < scopes.length; i++) {
            if (suppliers[i].getAsLong() == expected) {
                Object scope = scopes[i].get();
                return scope == null ? null : scope.toString();
            }
        }
        return null;
    }

    private static synchronized void selfTestHit(ViolationKind kind) {
        SELF_TEST_HITS[kind.ordinal()]++;
    }
}
