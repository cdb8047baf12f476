package dev.netnsguard.netlink;

import com.sun.jna.LastErrorException;
import dev.netnsguard.NetNSClosedException;
import dev.netnsguard.internal.linux.LibC;
import dev.netnsguard.internal.linux.Syscalls;

import java.io.IOException;
import dev.netnsguard.internal.scope.LaunchThreads;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@code NETLINK_ROUTE} socket: the kernel end of every {@link Netlink} request.
 *
 * <p>A netlink socket talks to the network namespace it was created in, forever, whichever thread
 * uses it later. {@link #openOnCurrentThread()} is therefore the one place where the namespace is
 * chosen, and the netns-guard agent watches it (the {@code NETLINK_OPEN} entry point). Prefer
 * {@link Netlink#open(dev.netnsguard.NetNS)}, which creates the socket on a thread inside the
 * namespace you name.
 *
 * <p>Requests are serialized: one request and its whole reply at a time, each with its own
 * sequence number, so any number of threads may share a socket. A reply that does not come within
 * {@value #TIMEOUT_SECONDS} seconds fails the request instead of blocking forever.
 */
public final class RouteSocket implements AutoCloseable {
    static final int TIMEOUT_SECONDS = 10;

    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_PEEK = 0x2;
    private static final int MSG_TRUNC = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** The kernel can set NLM_F_DUMP_INTR on every attempt while something keeps changing; give up then. */
    private static final int DUMP_ATTEMPTS = 10;

    private final int fd;
    private final int portId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Cleaner.Cleanable cleanable;
    private volatile String namespace;
    private volatile boolean closed;
    private int sequence;
    private long timeoutMillis = TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS);
    /** Large enough for a whole dump datagram (the kernel fills up to 32 KiB); grown where one is larger. */
    private byte[] receiveBuffer = new byte[64 * 1024];

    private RouteSocket(int fd, int portId, String namespace) {
        this.fd = fd;
        this.portId = portId;
        this.namespace = namespace;
        this.cleanable = LaunchThreads.CLEANER.register(this, new FdCloser(fd));
    }

    /**
     * Creates a {@code NETLINK_ROUTE} socket in the calling thread's network namespace. The socket
     * stays in that namespace whichever thread uses it afterwards. On a virtual thread that is the
     * namespace of whichever carrier it runs on at the moment, which is why the agent checks this
     * call against the thread's scope; inside {@link dev.netnsguard.NetNS#call} it is the namespace called.
     *
     * @throws NetlinkException if the socket cannot be created or bound
     */
    public static RouteSocket openOnCurrentThread() {
        String namespace = currentNamespaceLabel();
        int fd;
        try {
            fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw NetlinkException.of("open netlink socket", namespace, e.getErrorCode(), null);
        }
        try {
            return new RouteSocket(fd, configure(fd, namespace), namespace);
        } catch (RuntimeException | Error e) {
            Syscalls.closeQuietly(fd);
            throw e;
        }
    }

    /** Sets the receive timeout and extended acks, binds, and returns the port id the kernel chose. */
    private static int configure(int fd, String namespace) {
        String step = "configure netlink socket";
        try {
            setReceiveTimeout(fd, TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            optionalFlag(fd, Rtnl.NETLINK_EXT_ACK);
            optionalFlag(fd, Rtnl.NETLINK_CAP_ACK);
            step = "bind netlink socket";
            byte[] address = new byte[12];
            ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_NETLINK);
            LibC.bind(fd, address, address.length);
            step = "read netlink port id";
            int[] length = {address.length};
            LibC.getsockname(fd, address, length);
            return ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).getInt(4);
        } catch (LastErrorException e) {
            throw NetlinkException.of(step, namespace, e.getErrorCode(), null);
        }
    }

    /** SO_RCVTIMEO takes a {@code struct timeval}: two longs on the 64-bit platforms netns-guard supports. */
    private static void setReceiveTimeout(int fd, long millis) {
        ByteBuffer timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        timeval.putLong(millis / 1000).putLong((millis % 1000) * 1000).flip();
        int[] timevalInts = new int[4];
        timeval.asIntBuffer().get(timevalInts);
        LibC.setsockopt(fd, LibC.SOL_SOCKET, SO_RCVTIMEO, timevalInts, 16);
    }

    /** Shortens the reply timeout, so that a test of the timeout need not wait the full default. */
    void receiveTimeout(long millis) {
        lock.lock();
        try {
            if (closed) {
                throw new NetNSClosedException("netlink socket in " + namespace + " is closed");
            }
            setReceiveTimeout(fd, millis);
            timeoutMillis = millis;
        } catch (LastErrorException e) {
            throw NetlinkException.of("set netlink receive timeout", namespace, e.getErrorCode(), null);
        } finally {
            lock.unlock();
        }
    }

    /** Extended acks (kernel 4.12+) only improve error messages; older kernels work without them. */
    private static void optionalFlag(int fd, int option) {
        try {
            LibC.setsockopt(fd, LibC.SOL_NETLINK, option, new int[] {1}, 4);
        } catch (LastErrorException ignored) {
            // ENOPROTOOPT on old kernels: errors then carry only their errno.
        }
    }

    private static String currentNamespaceLabel() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "the calling thread's network namespace";
        }
    }

    /** How errors name this socket's namespace: a namespace name, or {@code net:[inode]}. */
    public String namespace() {
        return namespace;
    }

    void describeAs(String label) {
        this.namespace = label;
    }

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket. Idempotent. A request in progress on another thread completes (or times
     * out) first; afterwards requests throw {@link NetNSClosedException}.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            cleanable.clean();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a request that changes something or fetches one object, and waits for the kernel's
     * acknowledgement. Returns the messages that came before it (the object fetched, if any).
     */
    List<Message> request(String operation, MessageWriter message) {
        return exchange(operation, message, false).messages;
    }

    /**
     * Sends a dump request and returns every message of the multi-part reply. A dump the kernel
     * marks as interrupted by a concurrent change (NLM_F_DUMP_INTR) is repeated, so the result is
     * a consistent snapshot.
     */
    List<Message> dump(String operation, MessageWriter message) {
        for (int attempt = 1; ; attempt++) {
            Reply reply = exchange(operation, message, true);
            if (!reply.interrupted) {
                return reply.messages;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkProtocolException(operation, namespace, "the dump was interrupted by concurrent"
                        + " changes " + DUMP_ATTEMPTS + " times in a row");
            }
        }
    }

    private Reply exchange(String operation, MessageWriter message, boolean dump) {
        lock.lock();
        try {
            if (closed) {
                throw new NetNSClosedException("netlink socket in " + namespace + " is closed (" + operation + ")");
            }
            int seq = nextSequence();
            send(operation, message.toBytes(seq, portId));
            try {
                return receive(operation, seq, dump);
            } catch (MalformedMessageException e) {
                throw new NetlinkProtocolException(operation, namespace, "malformed reply: " + e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    private int nextSequence() {
        sequence++;
        if (sequence == 0) {
            sequence = 1;
        }
        return sequence;
    }

    private void send(String operation, byte[] bytes) {
        while (true) {
            try {
                long sent = LibC.send(fd, bytes, bytes.length, 0);
                if (sent != bytes.length) {
                    throw new NetlinkProtocolException(operation, namespace, "sent " + sent + " of "
                            + bytes.length + " bytes");
                }
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw NetlinkException.of(operation, namespace, e.getErrorCode(), null);
                }
            }
        }
    }

    private Reply receive(String operation, int seq, boolean dump) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Message> messages = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            for (Message m : Message.parseAll(receiveDatagram(operation, deadline))) {
                if (m.sequence() != seq || m.portId() != portId) {
                    // A late reply to an earlier request that timed out: not ours, drop it.
                    continue;
                }
                if ((m.flags() & Rtnl.NLM_F_DUMP_INTR) != 0) {
                    interrupted = true;
                }
                switch (m.type()) {
                    case Rtnl.NLMSG_NOOP:
                        break;
                    case Rtnl.NLMSG_ERROR: {
                        KernelError error = KernelError.parse(m);
                        if (error.errno() != 0) {
                            throw NetlinkException.of(operation, namespace, error.errno(), error.message());
                        }
                        return new Reply(messages, interrupted);
                    }
                    case Rtnl.NLMSG_DONE: {
                        if (!dump) {
                            throw new NetlinkProtocolException(operation, namespace, "unexpected NLMSG_DONE");
                        }
                        KernelError error = KernelError.parseDone(m);
                        if (error.errno() != 0) {
                            throw NetlinkException.of(operation, namespace, error.errno(), error.message());
                        }
                        return new Reply(messages, interrupted);
                    }
                    case Rtnl.NLMSG_OVERRUN:
                        throw new NetlinkProtocolException(operation, namespace, "the kernel reported an overrun");
                    default:
                        messages.add(m);
                }
            }
        }
    }

    /** Receives one whole datagram, however large: peeking first tells its real size (MSG_TRUNC). */
    private ByteBuffer receiveDatagram(String operation, long deadline) {
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw new NetlinkProtocolException(operation, namespace, "no reply from the kernel within "
                        + timeoutMillis + " ms");
            }
            try {
                long size = LibC.recv(fd, receiveBuffer, receiveBuffer.length, MSG_PEEK | MSG_TRUNC);
                if (size > receiveBuffer.length) {
                    receiveBuffer = new byte[(int) Math.min(Integer.MAX_VALUE - 8, size)];
                }
                long received = LibC.recv(fd, receiveBuffer, receiveBuffer.length, 0);
                // Copied out: parsed messages are views that must outlive the next datagram.
                return ByteBuffer.wrap(Arrays.copyOf(receiveBuffer, (int) received)).order(ByteOrder.nativeOrder());
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == EAGAIN) {
                    throw new NetlinkProtocolException(operation, namespace, "no reply from the kernel within "
                            + timeoutMillis + " ms");
                }
                if (errno != EINTR) {
                    throw NetlinkException.of(operation, namespace, errno, null);
                }
            }
        }
    }

    private static final class Reply {
        final List<Message> messages;
        final boolean interrupted;

        Reply(List<Message> messages, boolean interrupted) {
            this.messages = messages;
            this.interrupted = interrupted;
        }
    }

    /** Closes the fd once, from {@link #close()} or when the socket becomes unreachable. */
    private static final class FdCloser implements Runnable {
        private final int fd;

        FdCloser(int fd) {
            this.fd = fd;
        }

        @Override
        public void run() {
            Syscalls.closeQuietly(fd);
        }
    }
}
