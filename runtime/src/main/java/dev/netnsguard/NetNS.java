package dev.netnsguard;

import dev.netnsguard.internal.linux.ChannelFds;
import dev.netnsguard.internal.linux.Syscalls;
import dev.netnsguard.internal.nsfs.NsLinks;
import dev.netnsguard.internal.linux.SyscallException;
import dev.netnsguard.internal.scope.EntryFailedException;
import dev.netnsguard.internal.scope.LaunchThreads;
import dev.netnsguard.internal.scope.NamespaceEntry;
import dev.netnsguard.internal.scope.NamespaceThreads;
import dev.netnsguard.internal.scope.Scope;
import dev.netnsguard.internal.scope.Scopes;
import dev.netnsguard.internal.scope.VirtualThreads;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * A handle on one Linux network namespace, and the safe way to run code inside it.
 *
 * <p>A switch of network namespace ({@code setns(2)}) moves one OS thread. On the JVM that is never
 * the caller's business: virtual threads hop between carrier threads, threads started from a
 * switched thread inherit its namespace, and pooled threads serve everybody. So this class never
 * switches the calling thread. {@link #call} hands the body to a dedicated platform thread that
 * entered this namespace once, verified it, and never serves another namespace:
 *
 * <pre>{@code
 * try (NetNS blue = NetNS.createNamed("blue")) {
 *     int port = blue.call(host -> {
 *         try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
 *             return server.getLocalPort();          // bound inside "blue"
 *         }
 *     });
 * } finally {
 *     NetNS.deleteNamed("blue");
 * }
 * }</pre>
 *
 * <p>A socket keeps the namespace it was created in, whichever thread uses it later; the
 * {@code open*Channel} methods and the socket factories create their sockets inside this namespace,
 * so the sockets can then be used from any thread, virtual threads included.
 *
 * <p>A handle holds an {@code O_CLOEXEC} file descriptor, which keeps the namespace alive. Two handles
 * are {@linkplain #equals equal} when they refer to the same namespace (same nsfs device and inode).
 * {@link #close()} releases the descriptor and ends this handle's namespace threads; a handle that
 * is never closed is released when it becomes unreachable. Handles are safe to share between threads.
 *
 * <p>Every operation that needs privileges (entering, creating, deleting) needs {@code CAP_SYS_ADMIN};
 * failures are reported as typed {@link NetNSException}s naming the path or namespace and the errno.
 */
public final class NetNS implements AutoCloseable {
    private static final Scopes.Control SCOPES = Scopes.control();

    private final Resources resources;
    private final Cleaner.Cleanable cleanable;
    private final long device;
    private final long inode;
    private final String path;
    private final String name;
    private final String label;
    private final boolean shared;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile NetNS hostView;

    NetNS(int fd, String path, String name, boolean shared) {
        long[] id;
        try {
            id = Syscalls.deviceAndInode(fd);
        } catch (SyscallException e) {
            Syscalls.closeQuietly(fd);
            throw Failures.of("inspect namespace " + (path != null ? path : "fd " + fd), e);
        }
        this.device = id[0];
        this.inode = id[1];
        this.path = path;
        this.name = name;
        this.label = name != null ? name : NsLinks.format(inode);
        this.shared = shared;
        this.resources = new Resources(fd);
        this.cleanable = LaunchThreads.CLEANER.register(this, resources);
    }

    // ---------------------------------------------------------------- opening

    /**
     * The network namespace of the calling thread, read from {@code /proc/thread-self/ns/net}.
     * On a virtual thread this is the namespace of its current carrier, which may change at the
     * next blocking operation; a virtual thread has no namespace of its own.
     */
    public static NetNS current() {
        return new NetNS(Opener.open("/proc/thread-self/ns/net", "the calling thread's network namespace"),
                null, null, false);
    }

    /**
     * The name of the named namespace the calling code's scope expects: inside {@link #call} and
     * {@link #run} of a handle that has a {@linkplain #name() name}, on threads of its
     * {@link #threadFactory()} and after its {@link #enterCurrentThread()}, and (with the agent) in tasks
     * submitted from there. Empty outside scopes and in scopes of anonymous namespaces.
     *
     * <p>This is what the code expects, not where the thread is: for where it is, see {@link #current()}.
     * Per-namespace configuration keyed by name, such as {@code /etc/netns/NAME/resolv.conf}, is looked
     * up with it.
     */
    public static Optional<String> scopeName() {
        Scope scope = Scopes.current();
        return scope == null ? Optional.empty() : Optional.ofNullable(scope.name());
    }

    /**
     * The namespace the JVM was launched in (that of its main thread group leader). The returned
     * handle is shared and owned by netns-guard: {@link #close()} on it does nothing.
     */
    public static NetNS launch() {
        return Hosts.LAUNCH;
    }

    /**
     * Opens the network namespace at {@code path}, such as {@code /run/netns/blue} or
     * {@code /proc/1234/ns/net}, and checks that it is one: the file must be on nsfs and, where the
     * kernel can tell ({@code NS_GET_NSTYPE}, Linux 4.11+), a network namespace.
     *
     * @throws NoSuchNetNSException if nothing is at {@code path}
     * @throws NotANetNSException if {@code path} is not a network namespace (a regular file, an
     *         unmounted name, another kind of namespace such as {@code /proc/self/ns/mnt})
     * @throws NetNSPermissionException if the path cannot be opened for lack of privilege
     */
    public static NetNS open(Path path) {
        Objects.requireNonNull(path, "path");
        String p = path.toString();
        return new NetNS(Opener.open(p, p), p, null, false);
    }

    /**
     * Opens the named namespace {@code name}, as made by {@link #createNamed} or {@code ip netns add}.
     *
     * @throws NoSuchNetNSException if there is no namespace of that name
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static NetNS openNamed(String name) {
        String p = RunDir.pathOf(name);
        return new NetNS(Opener.open(p, "named network namespace '" + name + "' (" + p + ")"), p, name, false);
    }

    /**
     * The network namespace of process {@code pid} (its thread group leader).
     *
     * @throws NoSuchNetNSException if there is no such process
     */
    public static NetNS ofPid(long pid) {
        return new NetNS(Opener.open("/proc/" + pid + "/ns/net", "network namespace of process " + pid),
                null, null, false);
    }

    /**
     * The network namespace of thread {@code tid} of process {@code pid}.
     *
     * @throws NoSuchNetNSException if there is no such thread
     */
    public static NetNS ofThread(long pid, long tid) {
        return new NetNS(Opener.open("/proc/" + pid + "/task/" + tid + "/ns/net",
                "network namespace of thread " + tid + " of process " + pid), null, null, false);
    }

    /**
     * The network namespace the socket of {@code channel} lives in (ioctl {@code SIOCGSKNS}),
     * which is where it was created, whichever thread uses it now.
     *
     * @throws NetNSException if the channel is closed or not a socket channel of the JDK
     */
    public static NetNS of(NetworkChannel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new NetNSException("cannot tell the namespace of a closed channel: " + channel);
        }
        int socketFd = ChannelFds.fdOf(channel);
        try {
            return new NetNS(Syscalls.socketNamespace(socketFd), null, null, false);
        } catch (SyscallException e) {
            throw Failures.of("namespace of " + channel, e);
        }
    }

    // ---------------------------------------------------------------- creating

    /**
     * Creates a new, anonymous network namespace, made from the calling thread's namespace by
     * netns-guard's creator thread; the caller's thread is never switched. The namespace lives while
     * this handle, a thread in it or a socket created in it keeps it; it has only a loopback link,
     * which is down.
     */
    public static NetNS create() {
        return new NetNS(Creation.unshare(null), null, null, false);
    }

    /**
     * Creates a persistent network namespace named {@code name}, as {@code ip netns add} does: a bind
     * mount at {@code /run/netns/NAME} (or {@code /var/run/netns/NAME} where there is no {@code /run}).
     * {@code ip netns list} and {@code ip netns exec} see it. It outlives the JVM until
     * {@link #deleteNamed} or {@code ip netns delete} removes it. On any failure nothing is left.
     *
     * @return a handle on the new namespace
     * @throws NetNSExistsException if the name is taken; nothing is changed
     * @throws NetNSPermissionException without {@code CAP_SYS_ADMIN}
     * @throws IllegalArgumentException if {@code name} is not a valid name
     */
    public static NetNS createNamed(String name) {
        return RunDir.create(name);
    }

    /**
     * Deletes the named namespace {@code name}: unmounts and removes {@code /run/netns/NAME}, as
     * {@code ip netns delete} does. The namespace itself ends once no handle, thread or socket keeps it.
     *
     * @throws NoSuchNetNSException if there is no namespace of that name
     */
    public static void deleteNamed(String name) {
        RunDir.delete(name);
    }

    /** The names of the persistent namespaces in the run directory, sorted; the same list as {@code ip netns list}. */
    public static List<String> listNamed() {
        return RunDir.list();
    }

    // ---------------------------------------------------------------- running code inside

    /**
     * Runs {@code body} inside this namespace and returns its result.
     *
     * <p>The body runs on a dedicated platform thread that entered this namespace once and verified
     * it; the calling thread, platform or virtual, is never switched. The body receives the caller's
     * namespace ({@code host}). Whatever the body throws reaches the caller as the same instance.
     * Interrupting the caller interrupts the body; the call returns when the body has returned.
     * Calling {@code call} from a thread already in this namespace (a nested call) runs the body
     * inline; calling another namespace's {@code call} from a body hands over again. Any number of
     * threads may call concurrently. While the body runs, its scope expects this namespace (what
     * the netns-guard agent checks).
     *
     * <pre>{@code
     * // /proc/net is the thread-group leader's view; /proc/thread-self/net is the calling thread's.
     * List<String> links = ns.call(host -> Files.readAllLines(Path.of("/proc/thread-self/net/dev")));
     * }</pre>
     *
     * @throws X what the body throws
     * @throws NetNSClosedException if this handle is closed
     */
    public <T, X extends Throwable> T call(NetNSFunction<T, X> body) throws X {
        Objects.requireNonNull(body, "body");
        checkOpen();
        boolean virtual = VirtualThreads.isVirtual(Thread.currentThread());
        NetNS host = Hosts.ofCurrentThread(virtual);
        if (!virtual && host.sameNamespace(this)) {
            Scope outer = SCOPES.enter(inode, name);
            try {
                return body.apply(host);
            } finally {
                SCOPES.restore(outer);
            }
        }
        CallHandoff<T, X> handoff = new CallHandoff<>(body, host);
        Throwable failure;
        try {
            failure = threads().execute(handoff);
        } catch (IllegalStateException shutDown) {
            throw closedException();
        } catch (SyscallException e) {
            // A close racing this call may have released the fd a new namespace thread duplicates.
            throw closed.get() ? closedException() : Failures.of("enter " + this, e);
        }
        if (failure instanceof EntryFailedException) {
            // ... or the fd number, reused meanwhile, named something else by the time it entered.
            throw closed.get() ? closedException() : entryFailure((EntryFailedException) failure);
        }
        if (failure != null) {
            throw CallHandoff.<RuntimeException>rethrow(failure);
        }
        return handoff.result();
    }

    /**
     * Runs {@code body} inside this namespace, as {@link #call} does, for a body with no result.
     *
     * <pre>{@code
     * ns.run(host -> server.bind(new InetSocketAddress("127.0.0.1", 8080)));
     * }</pre>
     */
    public <X extends Throwable> void run(NetNSConsumer<X> body) throws X {
        Objects.requireNonNull(body, "body");
        call(host -> {
            body.accept(host);
            return null;
        });
    }

    /**
     * A factory of platform threads that enter this namespace when they start and verify it before
     * running anything; their scope expects this namespace. A thread that cannot enter runs nothing
     * and ends with a {@link NetNSException} (reported to its uncaught-exception handler).
     *
     * @throws NetNSClosedException if this handle is closed, now or when a thread is requested
     */
    public ThreadFactory threadFactory() {
        checkOpen();
        return new NamespaceThreadFactory(this);
    }

    /**
     * A fixed pool of {@code threads} threads from {@link #threadFactory()}: work submitted to it
     * runs inside this namespace. Shut it down when done; closing this handle does not.
     */
    public ExecutorService newExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return Executors.newFixedThreadPool(threads, threadFactory());
    }

    /**
     * The raw, unsafe switch: moves the calling platform thread into this namespace, as CNI's
     * {@code ns.Set} does. From then on the thread expects this namespace, every thread it starts is
     * born in it, and it should never return to a pool. Prefer {@link #call}.
     *
     * @throws NetNSException on a virtual thread: switching it would switch whichever carrier
     *         thread it happens to run on, and it would not stay there
     */
    public void enterCurrentThread() {
        checkOpen();
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            throw new NetNSException("enterCurrentThread refuses virtual thread " + Thread.currentThread()
                    + ": setns would switch its carrier thread, shared with other virtual threads, and the"
                    + " virtual thread may move to another carrier at any time. Use " + label()
                    + ".call(host -> ...) or a socket born in the namespace instead");
        }
        try {
            NamespaceEntry.enter(resources.fd(), inode, name);
        } catch (SyscallException e) {
            throw Failures.of("enter " + this, e);
        } catch (IllegalStateException e) {
            throw new NetNSException("enter " + this + ": " + e.getMessage());
        }
        Hosts.entered(hostView());
    }

    // ---------------------------------------------------------------- sockets born inside

    /** A socket channel whose socket was created inside this namespace; usable from any thread. */
    public SocketChannel openSocketChannel() throws IOException {
        return call(host -> SocketChannel.open());
    }

    /** A socket channel of {@code family} (INET, INET6 or UNIX) created inside this namespace. */
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return call(host -> SocketChannel.open(family));
    }

    /** A server socket channel created inside this namespace; bind it from any thread. */
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return call(host -> ServerSocketChannel.open());
    }

    /** A server socket channel of {@code family} created inside this namespace. */
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        return call(host -> ServerSocketChannel.open(family));
    }

    /** A datagram channel created inside this namespace. */
    public DatagramChannel openDatagramChannel() throws IOException {
        return call(host -> DatagramChannel.open());
    }

    /** A datagram channel of {@code family} created inside this namespace. */
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return call(host -> DatagramChannel.open(family));
    }

    /**
     * A factory of {@link java.net.Socket}s whose file descriptor is created inside this namespace
     * (plain {@code new Socket()} creates it only at first use, on whatever thread that is). Host
     * names given to its {@code createSocket} methods are resolved inside this namespace.
     */
    public SocketFactory socketFactory() {
        checkOpen();
        return new NamespaceSocketFactory(this);
    }

    /** A factory of {@link java.net.ServerSocket}s whose file descriptor is created inside this namespace. */
    public ServerSocketFactory serverSocketFactory() {
        checkOpen();
        return new NamespaceServerSocketFactory(this);
    }

    // ---------------------------------------------------------------- audit

    /**
     * Every thread of this JVM with its OS thread id and network namespace, so that threads that
     * are not where they should be can be found: a pool worker born inside a namespace, a thread
     * switched with {@link #enterCurrentThread()} or by native code.
     *
     * <p>Java threads are matched to OS threads exactly for threads netns-guard switched, and by
     * name otherwise (the kernel keeps the first 15 bytes of a thread's name); a thread whose name
     * is not unique there is listed without its Java thread.
     */
    public static List<ThreadNetNS> auditThreads() {
        return ThreadAudit.ofThisJvm();
    }

    // ---------------------------------------------------------------- identity

    /** The inode of this namespace on nsfs, as shown in {@code net:[inode]}. */
    public long inode() {
        return inode;
    }

    /** The device of nsfs; together with {@link #inode()} it identifies the namespace. */
    public long device() {
        return device;
    }

    /**
     * The path this handle was opened from, where it is stable: a named namespace's bind mount or a
     * path given to {@link #open}. Empty for handles from {@code /proc} of a thread or process,
     * which stop naming this namespace when the thread switches or ends.
     */
    public Optional<Path> path() {
        return path == null ? Optional.empty() : Optional.of(Path.of(path));
    }

    /** The name of a named namespace ({@link #openNamed}, {@link #createNamed}). */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** True if {@code other} refers to the same namespace. */
    boolean sameNamespace(NetNS other) {
        return inode == other.inode && device == other.device;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetNS && sameNamespace((NetNS) o);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(inode) * 31 + Long.hashCode(device);
    }

    /** The name or path, then the namespace: {@code blue net:[4026532481]} or {@code net:[4026531840]}. */
    @Override
    public String toString() {
        String id = NsLinks.format(inode);
        return name != null ? name + " " + id : path != null ? path + " " + id : id;
    }

    /** How scopes and messages refer to this namespace: its name, else {@code net:[inode]}. */
    String label() {
        return label;
    }

    /**
     * The start of the names of threads that live in this namespace: {@code netns-blue-call-} or
     * {@code netns-4026532177-thread-}, so thread dumps show where each thread is.
     */
    String threadNamePrefix(String role) {
        return "netns-" + (name != null ? name : Long.toString(inode)) + "-" + role;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Releases the file descriptor and ends this handle's namespace threads once their current
     * bodies return. Idempotent. Afterwards every operation on this handle throws
     * {@link NetNSClosedException}. Does nothing on shared handles ({@link #launch()}, the
     * {@code host} passed to bodies); the {@code host} that this handle's threads pass to the bodies
     * they call in other namespaces is closed with this handle, so that no descriptor keeps the
     * namespace alive once the handle is closed.
     */
    @Override
    public void close() {
        if (!shared && closed.compareAndSet(false, true)) {
            cleanable.clean();
            // The host view holds a duplicate of the fd: left to the Cleaner, it would keep the
            // namespace (and every link in it) alive after close until a garbage collection.
            NetNS view;
            synchronized (resources) {
                view = hostView;
            }
            if (view != null && view != this) {
                view.closed.set(true);
                view.cleanable.clean();
            }
        }
    }

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * The O_CLOEXEC file descriptor this handle holds, for native code and for netlink requests
     * that name a namespace by fd ({@code IFLA_NET_NS_FD}). Valid until {@link #close()}; do not
     * close it yourself.
     *
     * @throws NetNSClosedException if this handle is closed
     */
    public int fd() {
        checkOpen();
        return resources.fd();
    }

    void checkOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private NetNSClosedException closedException() {
        return new NetNSClosedException("network namespace handle " + this + " is closed");
    }

    private NetNSException entryFailure(EntryFailedException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SyscallException) {
            return Failures.of("enter " + this, (SyscallException) cause);
        }
        return new NetNSException("enter " + this + ": " + cause.getMessage(), cause);
    }

    private NamespaceThreads threads() {
        NamespaceThreads threads = resources.threads;
        if (threads == null) {
            synchronized (resources) {
                checkOpen();
                threads = resources.threads;
                if (threads == null) {
                    NetNS view = hostView();
                    threads = new NamespaceThreads(resources.fd(), inode, name, threadNamePrefix("call-"),
                            () -> Hosts.entered(view));
                    resources.threads = threads;
                }
            }
        }
        return threads;
    }

    /** A shared handle on this namespace, given as {@code host} to bodies called from its threads. */
    NetNS hostView() {
        NetNS view = hostView;
        if (view == null) {
            synchronized (resources) {
                view = hostView;
                if (view == null) {
                    view = shared ? this : new NetNS(Syscalls.dupCloexec(fd()), path, name, true);
                    hostView = view;
                }
            }
        }
        return view;
    }

    /** What the Cleaner releases: it must not refer to the handle, or the handle would never be unreachable. */
    private static final class Resources implements Runnable {
        private final int fd;
        volatile NamespaceThreads threads;

        Resources(int fd) {
            this.fd = fd;
        }

        int fd() {
            return fd;
        }

        @Override
        public void run() {
            NamespaceThreads running = threads;
            if (running != null) {
                running.shutdown();
            }
            Syscalls.closeQuietly(fd);
        }
    }
}
