package dev.netnsguard.agent.bootstrap;

import jdk.internal.vm.annotation.DontInline;

import java.io.FileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The tripwire: what the advice inlined into JDK classes calls. Defined once per JVM in the boot
 * loader (JDK types only) and frozen there, so it holds only what must be reachable from java.base:
 * whether the guard is armed, the per-thread namespace cache, the socket table, the links to the
 * runtimes' scope state, the hook entry points and the test {@code expected != actual}. What a mismatch
 * means (a re-read of /proc, a stray pool thread, an allowed caller, the report, the error strict mode
 * throws) is decided by the agent's {@link Judge}, which can change with the agent.
 *
 * <p>Expected: the innermost scope of the first connected runtime that has one ({@link RuntimeLink}), read
 * once per check; without a scope, the launch namespace. Actual: for new sockets, lookups, processes and
 * netlink the calling OS thread's (a virtual thread's carrier), from a per-thread cache
 * ({@link #actualOfThread()}); for operations on an existing socket the namespace it was born in.
 */
public final class GuardBridge {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self/ns/net");

    private static volatile boolean armed;
    private static volatile long launchInode;
    private static volatile boolean expectAny;
    private static volatile int recheckEvery;
    private static volatile Judge judge;
    /**
     * The judge that answers lookups outside the launch namespace ({@code dns-cache=per-namespace}), or
     * null: kept apart from {@link #judge}, which the self-test stands in for while it runs.
     */
    private static volatile Judge answers;
    private static volatile RuntimeLink[] links = new RuntimeLink[0];
    /** The kernel's answer about a socket's own namespace; null until the agent's native part is loaded. */
    private static volatile SocketNamespace sockets;
    private static volatile String origin;
    /** Per thread: the guard's own work is running (the judge's), so hooks do nothing. */
    private static final ThreadLocal<boolean[]> BUSY = ThreadLocal.withInitial(() -> new boolean[1]);
    /** Per thread: whether the lookup in progress resolved (true) or was answered from the cache. */
    private static final ThreadLocal<boolean[]> RESOLVING = ThreadLocal.withInitial(() -> new boolean[1]);

    private GuardBridge() {}

    // ------------------------------------------------------------------ the agent's side

    /**
     * Which agent defined this bootstrap part: the first caller's {@code candidate} is kept and returned
     * to every later caller, so an agent can tell whether this part is its own.
     */
    public static synchronized String origin(String candidate) {
        if (origin == null) {
            origin = candidate;
        }
        return origin;
    }

    /** Sets everything but whether checks run; the agent calls it before {@link #arm}. */
    public static void configure(long launch, boolean anyOutsideScope, int recheck, Judge newJudge) {
        launchInode = launch;
        expectAny = anyOutsideScope;
        recheckEvery = recheck;
        judge = newJudge;
    }

    /** The judge in place (the agent's, or the self-test's standing in for it). */
    public static Judge judge() {
        return judge;
    }

    /**
     * Sets who answers name lookups on threads outside the launch namespace
     * ({@link Judge#namespaceAnswer}); null leaves every lookup to the JDK.
     */
    public static void namespaceAnswers(Judge answering) {
        answers = answering;
    }

    /** Switches the checks on or off (mode report or strict, or off). */
    public static void arm(boolean on) {
        armed = on;
    }

    /**
     * Makes socket checks ask the kernel which namespace each new socket lives in; until then (and
     * where the agent has no native part) the creating thread's namespace is read from /proc.
     */
    public static void socketNamespaces(SocketNamespace kernel) {
        sockets = kernel;
    }

    /** True where sockets are judged by their own namespace, from the kernel. */
    public static boolean socketsFromKernel() {
        return sockets != null;
    }

    /** True while checks run. */
    public static boolean armed() {
        return armed;
    }

    /** The inode of the namespace the JVM was launched in, as the guard took it at install; 0 before. */
    public static long launchInode() {
        return launchInode;
    }

    /** True if the per-thread cache is per carrier (JDK 21+). */
    public static boolean carrierLocal() {
        return ThreadStates.CARRIER_LOCAL;
    }

    /** The connected runtimes, in connection order. */
    public static RuntimeLink[] links() {
        return links;
    }

    /** Connects a runtime's scope state; a link already connected is not added twice. */
    public static synchronized void connect(RuntimeLink link) {
        if (!Arrays.asList(links).contains(link)) {
            RuntimeLink[] more = Arrays.copyOf(links, links.length + 1);
            more[links.length] = link;
            links = more;
        }
    }

    /** Disconnects a link given to {@link #connect}. */
    public static synchronized void disconnect(RuntimeLink link) {
        links = Arrays.stream(links).filter(l -> l != link).toArray(RuntimeLink[]::new);
    }

    // ------------------------------------------------------------------ the runtime's GuardLink contract

    /**
     * Called by the runtime's {@code GuardLink.connect()} (reflectively; JDK types only). Returns the
     * listener the runtime calls right after it moved the calling thread into namespace {@code inode}.
     * Several runtimes (class loaders) may connect; one connecting again (from itself and from the agent)
     * is recognised by the class of its capture function (the loader is no mark: the agent's self-test
     * link, or the agent itself, may share the runtime's loader).
     */
    public static synchronized LongConsumer connectScopes(LongSupplier expectedInode, Supplier<Object> capture,
            UnaryOperator<Object> swap, ToLongFunction<Object> inodeOf) {
        for (RuntimeLink known : links) {
            if (known.sameCapture(capture)) {
                return GuardBridge::threadSwitched;
            }
        }
        connect(new RuntimeLink(capture, swap, inodeOf));
        return GuardBridge::threadSwitched;
    }

    /** The calling platform thread was just moved into namespace {@code inode} (by the runtime, or found there). */
    public static void threadSwitched(long inode) {
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

    /**
     * {@code sun.nio.ch.Net.socket/serverSocket}, before the socket is created. Where the kernel is asked
     * about each new socket, the check happens once it exists ({@link #socketOpened}); without, the
     * creating thread's namespace is read from /proc first, so the check is exact either way.
     */
    public static void socketOpen() {
        if (armed && sockets == null) {
            refreshThread();
            checkThread(ViolationKind.SOCKET_OPEN, null);
        }
    }

    /**
     * {@code sun.nio.ch.Net.socket/serverSocket} returned {@code fd}: where it was born is recorded, and
     * judged where the kernel tells it. A socket refused in strict mode is closed before the error is
     * thrown: the JDK never takes charge of it.
     */
    public static void socketOpened(FileDescriptor fd) {
        if (armed) {
            opened(SocketTable.fdOf(fd));
        }
    }

    /**
     * A socket made natively returned number {@code fd} (Netty's epoll transport, {@code Socket.newSocketStream0}
     * and {@code newSocketDgram0}): recorded and judged as {@link #socketOpened}; refused in strict mode, it is
     * closed before the error is thrown. {@link #socketOpen} is its check before, as for the JDK's.
     */
    public static void nativeSocketOpened(int fd) {
        if (armed && fd >= 0) {
            opened(fd);
        }
    }

    /**
     * Out of line on purpose: inlined, the kernel question, the map and the verdict made the compiled
     * {@code Net.socket} too big for the JIT to inline into its callers, whose {@code FileDescriptor}
     * then escaped, and escape analysis stopped removing the JDK's own allocations of a new channel
     * (112 bytes and about 0.1 µs a socket, half of what the guard added to {@code SocketChannel.open()}).
     * The JVM honours this JDK-internal annotation in classes of the bootstrap loader, which defines this part.
     */
    @DontInline
    private static void opened(int n) {
        SocketNamespace kernel = sockets;
        Error error = null;
        try {
            long born = kernel == null || n < 0 ? 0 : kernel.inodeOf(n);
            if (born == 0) {
                SocketTable.record(n, actualOfThread());
            } else {
                SocketTable.record(n, born);
                threadSwitched(born); // the creating thread is where its new socket is: the cache is exact again
                error = threadVerdict(ViolationKind.SOCKET_OPEN, born, null);
            }
        } catch (Throwable failure) {
            hookFailed(ViolationKind.SOCKET_OPEN.name(), failure);
        }
        if (error != null) {
            kernel.close(n);
            throw error;
        }
    }

    /** A native socket's bind (Netty's {@code Socket.bind}): as {@link #socketBind}, by number. */
    public static void nativeSocketBind(int fd) {
        checkSocket(ViolationKind.SOCKET_BIND, fd, null);
    }

    /** A native socket's connect (Netty's {@code Socket.connect}): as {@link #socketConnect}, by number. */
    public static void nativeSocketConnect(int fd, Object remote) {
        checkSocket(ViolationKind.SOCKET_CONNECT, fd, remote);
    }

    /** A native listener {@code listener} accepted {@code accepted} (Netty's {@code Socket.accept}): as {@link #socketAccepted}. */
    public static void nativeSocketAccepted(int listener, int accepted) {
        if (armed && accepted >= 0) {
            try {
                SocketTable.record(accepted, SocketTable.bornIn(listener));
            } catch (Throwable failure) {
                hookFailed("socket accept record", failure);
            }
        }
    }

    /**
     * A native socket {@code fd} is about to be closed (Netty's {@code FileDescriptor.close}): its entry is
     * forgotten before the number can be reused, so a later descriptor with the same number (a pipe, a file) is
     * never judged as this socket.
     */
    public static void nativeSocketClosing(int fd) {
        if (armed && fd >= 0) {
            try {
                SocketTable.record(fd, 0);
            } catch (Throwable failure) {
                hookFailed("socket close record", failure);
            }
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

    /**
     * A read or a write on an existing socket ({@code SocketChannelImpl}, {@code NioSocketImpl}, a connected
     * {@code DatagramChannelImpl}): inside a scope, the socket must live where the scope expects. A socket
     * the table does not know is not judged (its birth was not seen, and the thread says nothing about it);
     * outside scopes nothing is checked. The cost outside scopes is the scope lookup; inside, one table read.
     */
    public static void socketIo(FileDescriptor fd, Object detail) {
        if (armed) {
            io(fd, -1, detail);
        }
    }

    /**
     * Work queued on an existing socket channel for a library's own I/O thread to write (Apache's
     * {@code IOSessionImpl.enqueue}, on the thread that makes the request): judged as {@link #socketIo}, on the
     * queuing thread, because the I/O thread that writes it later runs outside any scope.
     */
    public static void channelIo(Object channel) {
        if (armed && innermostScope(links) != null) {
            io(SocketTable.fdOfChannel(channel), -1, channel);
        }
    }

    /** A read or a write on a native socket (Netty's epoll {@code FileDescriptor}): as {@link #socketIo}, by number. */
    public static void nativeSocketIo(int fd, Object detail) {
        if (armed) {
            io(null, fd, detail);
        }
    }

    private static void io(FileDescriptor fd, int n, Object detail) {
        Error error = null;
        try {
            error = ioVerdict(fd, n, detail);
        } catch (Throwable failure) {
            hookFailed(ViolationKind.SOCKET_IO.name(), failure);
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * {@code ServerSocketChannelImpl.finishAccept}: the accepted socket lives in its listener's namespace;
     * recording it keeps a stale entry of an earlier socket with the same number from misleading {@link #socketIo}.
     */
    public static void socketAccepted(FileDescriptor listener, FileDescriptor accepted) {
        if (armed) {
            try {
                SocketTable.record(accepted, SocketTable.bornIn(listener));
            } catch (Throwable failure) {
                hookFailed("socket accept record", failure);
            }
        }
    }

    /** {@code java.net.InetAddress} name lookups (the designated lookup method; cache hits included). */
    public static void dnsLookup(Object host) {
        checkThread(ViolationKind.DNS_LOOKUP, host);
    }

    /** {@code java.lang.ProcessImpl.start}: the child inherits the thread's namespace, read afresh (a start costs milliseconds). */
    public static void processStart(Object command) {
        if (armed) {
            refreshThread();
            checkThread(ViolationKind.PROCESS_START, command);
        }
    }

    /** The runtime's {@code dev.netnsguard.netlink.RouteSocket.openOnCurrentThread}. */
    public static void netlinkOpen() {
        checkThread(ViolationKind.NETLINK_OPEN, null);
    }

    /**
     * {@code InetAddress.getAddressesFromNameService}: {@code host} is resolved by the calling thread. A
     * resolution costs milliseconds, so the thread's namespace is read afresh: a switch the cache missed
     * when the lookup was checked is checked now.
     */
    public static void dnsResolving(Object host) {
        if (!armed || !(host instanceof String)) {
            return;
        }
        if (refreshThread()) {
            checkThread(ViolationKind.DNS_LOOKUP, host);
        }
        RESOLVING.get()[0] = true;
        Judge j = judge;
        boolean[] busy = BUSY.get();
        if (j == null || busy[0]) {
            return;
        }
        busy[0] = true;
        try {
            j.resolved((String) host, actualOfThread());
        } catch (Throwable failure) {
            failed(j, "InetAddress.getAddressesFromNameService", failure);
        } finally {
            busy[0] = false;
        }
    }

    /** A lookup starts; returns what {@link #dnsLookupEnds} needs, or null outside scopes. */
    public static Object dnsLookupStarts() {
        if (!armed) {
            return null;
        }
        try {
            if (innermostScope(links) == null) {
                return null;
            }
            boolean[] resolving = RESOLVING.get();
            Boolean previous = resolving[0];
            resolving[0] = false;
            return previous;
        } catch (Throwable failure) {
            hookFailed("InetAddress lookup start", failure);
            return null;
        }
    }

    /**
     * {@code InetAddress.getAllByName0}, after {@link #dnsLookupStarts}: on a thread outside the launch
     * namespace, the answer for that namespace ({@link #namespaceAnswers}), which the lookup
     * returns or throws without touching the JVM-wide cache; null (the JDK's own path) in the launch
     * namespace, when the judge has none, and when anything fails.
     */
    public static Object dnsAnswer(Object host, Object requested, boolean useCache) {
        Judge j = answers;
        if (j == null || !armed || !(host instanceof String)) {
            return null;
        }
        boolean[] busy = BUSY.get();
        if (busy[0]) {
            return null;
        }
        busy[0] = true;
        try {
            long inode = actualOfThread();
            if (inode == launchInode || inode == 0) {
                return null;
            }
            Object answer = j.namespaceAnswer((String) host, requested, useCache, inode);
            if (answer != null) {
                RESOLVING.get()[0] = true; // not an answer of the JVM-wide cache: dnsLookupEnds leaves it alone
            }
            return answer;
        } catch (Throwable failure) {
            failed(j, "InetAddress per-namespace answer", failure);
            return null;
        } finally {
            busy[0] = false;
        }
    }

    /** A lookup inside a scope ended: one answered without resolving goes to the judge. */
    public static void dnsLookupEnds(Object host, Object token) {
        if (token == null) {
            return;
        }
        Error error = null;
        try {
            boolean[] resolving = RESOLVING.get();
            boolean resolved = resolving[0];
            resolving[0] = (Boolean) token;
            if (resolved || !armed || !(host instanceof String)) {
                return;
            }
            for (RuntimeLink link : links) {
                Object scope = link.scope();
                if (scope != null) {
                    String name = (String) host;
                    long expected = link.inodeOf(scope);
                    error = judged(() -> judge.cacheAnswered(name, expected, scope), "InetAddress cache answer");
                    break;
                }
            }
        } catch (Throwable failure) {
            hookFailed("InetAddress lookup end", failure);
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * {@code Thread.start}: records where a platform thread is born, when that is not the launch namespace,
     * and, when it starts inside a scope, which scopes it inherits.
     */
    public static void threadStarting(Thread thread) {
        if (!armed) {
            return;
        }
        try {
            long inode = actualOfThread();
            boolean inScope = innermostScope(links) != null;
            if (inode != launchInode && inode != 0) {
                Births.record(thread, inode, inScope);
            }
            if (inScope) {
                Propagation.threadInherits(thread);
            }
        } catch (Throwable failure) {
            hookFailed("Thread.start", failure);
        }
    }

    /** A hook outside the checks failed (propagation, bookkeeping): counted by the judge, never thrown. */
    public static void hookFailed(String hook, Throwable failure) {
        Judge j = judge;
        if (j != null) {
            failed(j, hook, failure);
        }
    }

    // ------------------------------------------------------------------ checks

    private static void checkThread(ViolationKind kind, Object detail) {
        if (!armed) {
            return;
        }
        Error error = null;
        try {
            error = threadVerdict(kind, 0, detail);
        } catch (Throwable failure) {
            hookFailed(kind.name(), failure);
        }
        if (error != null) {
            throw error;
        }
    }

    /**
     * The calling thread against what its innermost scope expects (without one, the launch namespace unless any
     * is fine). {@code known} is the thread's namespace where the caller has just learnt it from the kernel, or 0
     * to take it from the thread's cache.
     */
    private static Error threadVerdict(ViolationKind kind, long known, Object detail) {
        for (RuntimeLink link : links) {
            Object scope = link.scope();
            if (scope != null) {
                return threadVerdict(kind, link.inodeOf(scope), known, scope, detail);
            }
        }
        return expectAny ? null : threadVerdict(kind, launchInode, known, null, detail);
    }

    private static Error threadVerdict(ViolationKind kind, long expected, long known, Object scope, Object detail) {
        long actual = known != 0 ? known : actualOfThread();
        return actual == expected ? null : mismatch(kind, expected, actual, scope, detail, true);
    }

    /**
     * An operation on an existing socket: inside a scope, the socket must live in the namespace the
     * scope expects. Outside scopes any socket may be used (one born in a namespace on purpose is
     * fine; one born in the wrong place was reported when it was created).
     */
    private static void checkSocket(ViolationKind kind, FileDescriptor fd, Object detail) {
        if (armed) {
            checkSocket(kind, SocketTable.fdOf(fd), detail);
        }
    }

    private static void checkSocket(ViolationKind kind, int fd, Object detail) {
        if (!armed) {
            return;
        }
        Error error = null;
        try {
            error = socketVerdict(kind, fd, detail);
        } catch (Throwable failure) {
            hookFailed(kind.name(), failure);
        }
        if (error != null) {
            throw error;
        }
    }

    private static Error socketVerdict(ViolationKind kind, int fd, Object detail) {
        for (RuntimeLink link : links) {
            Object scope = link.scope();
            if (scope != null) {
                return socketVerdict(kind, fd, link.inodeOf(scope), scope, detail);
            }
        }
        return null;
    }

    private static Error socketVerdict(ViolationKind kind, int n, long expected, Object scope, Object detail) {
        long actual = SocketTable.bornIn(n);
        SocketNamespace kernel = sockets;
        if (actual == 0 && kernel != null) {
            actual = n < 0 ? 0 : kernel.inodeOf(n); // not created through Net, or before the agent came
        }
        boolean ofThread = actual == 0;
        if (ofThread) {
            actual = actualOfThread();
        }
        return actual == expected ? null : mismatch(kind, expected, actual, scope, detail, ofThread);
    }

    /** {@code fd}, or where it is null the socket number {@code n}, read or written inside a scope. */
    private static Error ioVerdict(FileDescriptor fd, int n, Object detail) {
        for (RuntimeLink link : links) {
            Object scope = link.scope();
            if (scope != null) {
                long actual = fd != null ? SocketTable.bornIn(fd) : SocketTable.bornIn(n);
                long expected = link.inodeOf(scope);
                return actual == 0 || actual == expected
                        ? null : mismatch(ViolationKind.SOCKET_IO, expected, actual, scope, detail, false);
            }
        }
        return null;
    }

    /** The calling thread's innermost scope in the first connected runtime that has one, or null. */
    private static Object innermostScope(RuntimeLink[] ls) {
        for (RuntimeLink link : ls) {
            Object scope = link.scope();
            if (scope != null) {
                return scope;
            }
        }
        return null;
    }

    private static Error mismatch(ViolationKind kind, long expected, long actual, Object scope, Object detail,
            boolean ofThread) {
        return judged(() -> judge.mismatch(kind, expected, actual, scope, detail, ofThread), kind.name());
    }

    /** Runs one call of the judge on this thread, outside the guard's own work; returns the error to throw. */
    private static Error judged(Supplier<Error> verdict, String hook) {
        Judge j = judge;
        boolean[] busy = BUSY.get();
        if (j == null || busy[0]) {
            return null;
        }
        busy[0] = true;
        try {
            return verdict.get();
        } catch (Throwable failure) {
            failed(j, hook, failure);
            return null;
        } finally {
            busy[0] = false;
        }
    }

    private static void failed(Judge j, String hook, Throwable failure) {
        try {
            j.hookFailed(hook, failure);
        } catch (Throwable ignored) {
            // nothing may reach the application
        }
    }

    // ------------------------------------------------------------------ the thread's namespace

    /**
     * The namespace of the calling OS thread (a virtual thread's carrier), from a per-thread cache:
     * read from /proc on a thread's first check, updated by the runtime when it switches the thread,
     * re-read every {@code recheckEvery} checks to catch native setns. The judge re-reads it before it
     * reports a thread-based violation, so a stale entry can hide a switch for a while but never invents one.
     */
    public static long actualOfThread() {
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

    /** Reads the calling thread's namespace from /proc into its cache; true if the cache was wrong. */
    private static boolean refreshThread() {
        long now = readThreadInode();
        if (now == 0) {
            return false;
        }
        ThreadState state = ThreadStates.LOCAL.get();
        boolean changed = state == null || state.inode != now;
        threadSwitched(now);
        return changed;
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
}
