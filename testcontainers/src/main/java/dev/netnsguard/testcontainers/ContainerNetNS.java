package dev.netnsguard.testcontainers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.netnsguard.NetNS;
import dev.netnsguard.NetNSClosedException;
import dev.netnsguard.NetNSConsumer;
import dev.netnsguard.NetNSException;
import dev.netnsguard.NetNSFunction;
import dev.netnsguard.NoSuchNetNSException;
import dev.netnsguard.netlink.Netlink;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * The network namespace of a running Testcontainers container, what {@code nsenter -t PID -n} enters:
 * code run through {@link #call} and sockets made by {@link #openSocketChannel()} or
 * {@link #socketFactory()} see the container's own network, its loopback included, so a service that
 * listens only on {@code 127.0.0.1} inside the container can be reached from the test JVM without
 * publishing any port.
 *
 * <pre>{@code
 * try (ContainerNetNS ns = ContainerNetNS.of(container)) {
 *     String reply = ns.call(host -> {
 *         try (Socket socket = new Socket("127.0.0.1", 8080)) {   // the container's 127.0.0.1
 *             ...
 *         }
 *     });
 * }
 * }</pre>
 *
 * <h2>Which namespace, and for how long</h2>
 * {@link #of} asks the engine for the container's main process ({@code State.Pid}) and opens
 * {@code /proc/PID/ns/net} as a {@link NetNS} (see {@link NetNS#ofPid}). It records that process's
 * start time, so that it can tell later whether the container still runs the same process.
 *
 * <p>Every operation of this class first checks, from {@code /proc} and without asking the engine,
 * that the process is still alive, is still the same process (not a new one that reused the PID),
 * and is still in the namespace the handle opened. While the container runs, the handle stays usable
 * and any number of threads may use it. Once the container has stopped, been removed or restarted
 * (a restart gives it a new process and a new namespace), every operation throws
 * {@link ContainerStoppedException}, a {@link NoSuchNetNSException} whose message names the
 * container; open a new handle on the restarted container. The check is made when the operation
 * starts: a container that stops while a body runs does not interrupt the body, whose sockets then
 * see their peers vanish (connection reset or refused). The handle's file descriptor keeps the old
 * namespace itself alive until {@link #close()}, so nothing the JVM holds ever refers to freed kernel
 * state.
 *
 * <p>{@link #netNS()} gives the underlying {@link NetNS} for APIs that take one; that handle is not
 * tied to the container and does not make this check.
 *
 * <h2>Requirements</h2>
 * <ul>
 * <li>The JVM runs on the engine's host and in the engine's PID namespace, so that the PID the engine
 *     reports is the container's process as this JVM sees it. A remote engine, Docker Desktop's VM or
 *     a JVM inside another container cannot see it; {@link #of} detects this (the process must exist
 *     and its cgroup must name the container) and throws a {@link NetNSException} that says so.</li>
 * <li>Opening another process's namespace needs ptrace read access to it ({@code root}, or
 *     {@code CAP_SYS_PTRACE}); running code in it needs {@code CAP_SYS_ADMIN}. Without them the
 *     runtime throws {@link dev.netnsguard.NetNSPermissionException}.</li>
 * <li>The container may use any network mode; with {@code none} its namespace has only {@code lo}.</li>
 * </ul>
 *
 * <p>Closing this handle closes the {@link NetNS} and its namespace threads; it does not touch the
 * container. A handle that is never closed is released when it becomes unreachable.
 */
public final class ContainerNetNS implements AutoCloseable {
    private final NetNS ns;
    private final String containerId;
    private final String containerName;
    private final String image;
    private final long pid;
    private final String startTime;

    private ContainerNetNS(NetNS ns, String containerId, String containerName, String image, long pid,
                           String startTime) {
        this.ns = ns;
        this.containerId = containerId;
        this.containerName = containerName;
        this.image = image;
        this.pid = pid;
        this.startTime = startTime;
    }

    /**
     * Opens the network namespace of {@code container}, which must be running. Asks the engine for the
     * container's current state ({@link ContainerState#getCurrentContainerInfo()}), so a container
     * that was restarted since it was started is found in its current namespace.
     *
     * @param container a started container, such as a {@code GenericContainer}
     * @return a handle on the container's network namespace, to {@link #close()} when done
     * @throws IllegalStateException if the container has no id: never started, or stopped through
     *         Testcontainers (which forgets the id)
     * @throws ContainerStoppedException if the container is not running, or stops while it is opened
     * @throws NetNSException if the container's process is not visible to this JVM (engine on another
     *         machine, in a VM, or in another PID namespace); a
     *         {@link dev.netnsguard.NetNSPermissionException} without the privileges to open it
     */
    public static ContainerNetNS of(ContainerState container) {
        Objects.requireNonNull(container, "container");
        String id = container.getContainerId();
        if (id == null) {
            String what = container instanceof GenericContainer
                    ? "container of image " + ((GenericContainer<?>) container).getDockerImageName()
                    : container.getClass().getSimpleName();
            throw new IllegalStateException(what + " is not running: it has no container id"
                    + " (it was never started, or it was stopped)");
        }
        InspectContainerResponse info;
        try {
            info = container.getCurrentContainerInfo();
        } catch (RuntimeException e) {
            ContainerStoppedException stopped = new ContainerStoppedException(id, "container " + shortId(id)
                    + " cannot be inspected (removed?): " + e.getMessage());
            stopped.initCause(e);
            throw stopped;
        }
        String name = info.getName() == null ? shortId(id) : info.getName().replaceFirst("^/", "");
        String image = info.getConfig() == null ? null : info.getConfig().getImage();
        String label = describe(name, id, image);
        InspectContainerResponse.ContainerState state = info.getState();
        Long reportedPid = state == null ? null : state.getPidLong();
        if (state == null || !Boolean.TRUE.equals(state.getRunning()) || reportedPid == null || reportedPid <= 0) {
            throw new ContainerStoppedException(id, label + " is not running (status "
                    + (state == null ? "unknown" : state.getStatus()) + "): it has no network namespace to enter");
        }
        long pid = reportedPid;

        String startTime = startTimeOf(pid);
        if (startTime == null && !stillRunsPid(container, pid)) {
            throw new ContainerStoppedException(id, label + " stopped while its network namespace was being opened"
                    + " (PID " + pid + " is gone)");
        }
        if (startTime == null) {
            throw new NetNSException(label + ": the engine reports its process as PID " + pid
                    + ", but this JVM sees no such process. The JVM must run on the engine's host, in its PID"
                    + " namespace (not against a remote engine, Docker Desktop's VM, or from inside another"
                    + " container); DOCKER_HOST=" + System.getenv("DOCKER_HOST"));
        }
        checkCgroup(pid, id, label);

        NetNS opened;
        try {
            opened = NetNS.ofPid(pid);
        } catch (NoSuchNetNSException e) {
            ContainerStoppedException stopped = new ContainerStoppedException(id,
                    label + " stopped while its network namespace was being opened (PID " + pid + " is gone)");
            stopped.initCause(e);
            throw stopped;
        }
        ContainerNetNS handle = new ContainerNetNS(opened, id, name, image, pid, startTime);
        try {
            handle.checkRunning();   // the namespace opened is that of the process that was checked
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return handle;
    }

    // ---------------------------------------------------------------- the container

    /** The container's full id. */
    public String containerId() {
        return containerId;
    }

    /** The container's name as the engine reports it, without the leading slash. */
    public String containerName() {
        return containerName;
    }

    /** The PID of the container's main process when this handle was opened, in the engine's PID namespace. */
    public long pid() {
        return pid;
    }

    /**
     * True if the container still runs the process this handle was opened on, in the same network
     * namespace, and this handle is open. Reads {@code /proc} only; does not ask the engine.
     */
    public boolean isRunning() {
        return !ns.isClosed() && stoppedReason() == null;
    }

    /**
     * Checks that the container still runs the process this handle was opened on, in the same network
     * namespace.
     *
     * @return this handle
     * @throws NetNSClosedException if this handle is closed
     * @throws ContainerStoppedException if the container has stopped, been removed or restarted
     */
    public ContainerNetNS checkRunning() {
        if (ns.isClosed()) {
            throw new NetNSClosedException("network namespace handle of " + describe() + " is closed");
        }
        String reason = stoppedReason();
        if (reason != null) {
            throw new ContainerStoppedException(containerId, describe() + " " + reason + "; this handle on its"
                    + " network namespace " + ns + " is no longer usable: open a new one with ContainerNetNS.of"
                    + " once the container runs again");
        }
        return this;
    }

    /**
     * The underlying namespace handle, for APIs that take a {@link NetNS}, after checking that the
     * container still runs. The returned handle belongs to this one (closing this closes it) and does
     * not check the container again: prefer the methods of this class.
     *
     * @throws ContainerStoppedException if the container has stopped, been removed or restarted
     */
    public NetNS netNS() {
        checkRunning();
        return ns;
    }

    // ---------------------------------------------------------------- running code inside

    /**
     * Runs {@code body} inside the container's network namespace and returns its result, as
     * {@link NetNS#call} does: on a dedicated platform thread that entered the namespace, never on the
     * calling thread. {@code 127.0.0.1} in the body is the container's loopback.
     *
     * <p>Reading network state from {@code /proc} in the body: use {@code /proc/thread-self/net/...}.
     * {@code /proc/net} is {@code /proc/self/net}, which shows the namespace of the JVM's main thread,
     * not that of the thread reading it.
     *
     * @throws X what the body throws
     * @throws ContainerStoppedException if the container has stopped, been removed or restarted
     * @throws NetNSClosedException if this handle is closed
     */
    public <T, X extends Throwable> T call(NetNSFunction<T, X> body) throws X {
        checkRunning();
        return ns.call(body);
    }

    /** Runs {@code body} inside the container's network namespace, as {@link #call} does, for a body with no result. */
    public <X extends Throwable> void run(NetNSConsumer<X> body) throws X {
        checkRunning();
        ns.run(body);
    }

    // ---------------------------------------------------------------- sockets born inside

    /**
     * A socket channel created inside the container's network namespace. Connect and use it from any
     * thread: {@code 127.0.0.1} is then the container's loopback.
     *
     * @throws ContainerStoppedException if the container has stopped, been removed or restarted
     */
    public SocketChannel openSocketChannel() throws IOException {
        checkRunning();
        return ns.openSocketChannel();
    }

    /** A socket channel of {@code family} created inside the container's network namespace. */
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        checkRunning();
        return ns.openSocketChannel(family);
    }

    /** A server socket channel created inside the container's network namespace. */
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        checkRunning();
        return ns.openServerSocketChannel();
    }

    /** A datagram channel created inside the container's network namespace. */
    public DatagramChannel openDatagramChannel() throws IOException {
        checkRunning();
        return ns.openDatagramChannel();
    }

    /**
     * A factory of {@link Socket}s created inside the container's network namespace (see
     * {@link NetNS#socketFactory()}), for clients that take a {@link SocketFactory}. Each
     * {@code createSocket} checks first that the container still runs and throws
     * {@link ContainerStoppedException} if it does not.
     */
    public SocketFactory socketFactory() {
        checkRunning();
        return new CheckedSocketFactory(ns.socketFactory());
    }

    /**
     * A netlink client on the container's network namespace ({@link Netlink#open(NetNS)}), to list or
     * configure its links, addresses and routes, as {@code nsenter -t PID -n ip link} would. Its socket
     * lives in the namespace: it keeps working from any thread, and does not check the container again.
     * Close it when done. Configuring needs {@code CAP_NET_ADMIN}.
     *
     * @throws ContainerStoppedException if the container has stopped, been removed or restarted
     */
    public Netlink openNetlink() {
        checkRunning();
        return Netlink.open(ns);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Closes the namespace handle and its threads. Idempotent. The container is not touched. */
    @Override
    public void close() {
        ns.close();
    }

    /** {@code container NAME (ID12, image IMAGE) PID N net:[INODE]}. */
    @Override
    public String toString() {
        return describe() + " PID " + pid + " net:[" + ns.inode() + "]";
    }

    private String describe() {
        return describe(containerName, containerId, image);
    }

    private static String describe(String name, String id, String image) {
        return "container " + name + " (" + shortId(id) + (image == null ? "" : ", image " + image) + ")";
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    // ---------------------------------------------------------------- /proc

    /** Why the container no longer runs the recorded process in the recorded namespace, or null if it does. */
    private String stoppedReason() {
        String now = startTimeOf(pid);
        if (now == null) {
            return "has stopped: its process PID " + pid + " has exited";
        }
        if (!now.equals(startTime)) {
            return "has stopped or restarted: PID " + pid + " is now another process";
        }
        long inode;
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
            inode = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (NoSuchFileException e) {
            return "has stopped: its process PID " + pid + " is exiting";
        } catch (IOException | RuntimeException e) {
            return null;   // cannot tell (no ptrace access to read the link): the start time matched
        }
        if (inode != ns.inode()) {
            return "has left the network namespace it was opened in: its process PID " + pid + " is now in net:["
                    + inode + "]";
        }
        return null;
    }

    /**
     * Field 22 of {@code /proc/PID/stat}, the process's start time in clock ticks since boot, which
     * tells a process from a later one with the same PID; null if there is no such live process.
     */
    private static String startTimeOf(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
        // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so split after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        String state = fields[0];
        if (state.equals("Z") || state.equals("X") || state.equals("x")) {
            return null;
        }
        return fields[22 - 3];
    }

    /** True if the engine still reports {@code container} running with main process {@code pid}. */
    private static boolean stillRunsPid(ContainerState container, long pid) {
        try {
            InspectContainerResponse.ContainerState state = container.getCurrentContainerInfo().getState();
            return state != null && Boolean.TRUE.equals(state.getRunning()) && Long.valueOf(pid).equals(state.getPidLong());
        } catch (RuntimeException e) {
            return false;   // removed
        }
    }

    /** Proves that {@code pid} is the container's process as this JVM sees it: its cgroup names the container. */
    private static void checkCgroup(long pid, String id, String label) {
        String cgroup;
        try {
            cgroup = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        } catch (IOException e) {
            return;   // exited meanwhile: opening its namespace reports that
        }
        if (!cgroup.contains(id)) {
            String first = cgroup.lines().findFirst().orElse("");
            throw new NetNSException(label + ": the engine reports its process as PID " + pid
                    + ", but PID " + pid + " as this JVM sees it is another process (its cgroup " + first
                    + " does not name the container). The JVM must run on the engine's host, in its PID"
                    + " namespace (not against a remote engine, Docker Desktop's VM, or from inside another"
                    + " container); DOCKER_HOST=" + System.getenv("DOCKER_HOST"));
        }
    }

    /** Checks that the container runs before every socket it creates. */
    private final class CheckedSocketFactory extends SocketFactory {
        private final SocketFactory inside;

        CheckedSocketFactory(SocketFactory inside) {
            this.inside = inside;
        }

        @Override
        public Socket createSocket() throws IOException {
            checkRunning();
            return inside.createSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            checkRunning();
            return inside.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            checkRunning();
            return inside.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            checkRunning();
            return inside.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            checkRunning();
            return inside.createSocket(address, port, localAddress, localPort);
        }
    }
}
