package dev.netnsguard.netlink;

import dev.netnsguard.NetNSException;
import dev.netnsguard.internal.linux.Errno;
import dev.netnsguard.internal.linux.LibC;

import java.util.Optional;

/**
 * The kernel refused or failed a netlink request (an {@code NLMSG_ERROR} reply, or a failed call on
 * the socket). The message names the operation, the namespace, the errno and, where the kernel
 * gave one (extended ack), its own explanation:
 * <pre>{@code add link veth0 in blue: EEXIST (File exists)}</pre>
 *
 * <p>The most common errors have subclasses: {@link NetlinkExistsException} (EEXIST),
 * {@link NoSuchLinkException} (ENODEV), {@link NetlinkPermissionException} (EPERM, EACCES).
 */
public class NetlinkException extends NetNSException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String namespace;
    private final int kernelErrno;
    private final String kernelMessage;

    /**
     * An error of {@code operation} (such as {@code "add link veth0"}) in {@code namespace}.
     *
     * @param errno the errno, or 0 where none applies
     * @param kernelMessage the kernel's extended-ack text, or null
     */
    public NetlinkException(String operation, String namespace, int errno, String kernelMessage) {
        this(operation, namespace, errno, kernelMessage, errno == 0 ? "" : Errno.describe(errno));
    }

    /** An error with a text of its own instead of an errno description (a malformed reply, a timeout). */
    NetlinkException(String operation, String namespace, int errno, String kernelMessage, String what) {
        super(operation + " in " + namespace + ": " + what
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " (kernel: " + kernelMessage + ")"));
        this.operation = operation;
        this.namespace = namespace;
        this.kernelErrno = errno;
        this.kernelMessage = kernelMessage == null || kernelMessage.isEmpty() ? null : kernelMessage;
    }

    /** The typed exception for {@code errno}. */
    static NetlinkException of(String operation, String namespace, int errno, String kernelMessage) {
        switch (errno) {
            case LibC.EEXIST:
                return new NetlinkExistsException(operation, namespace, errno, kernelMessage);
            case LibC.ENODEV:
                return new NoSuchLinkException(operation, namespace, errno, kernelMessage);
            case LibC.EPERM:
            case LibC.EACCES:
                return new NetlinkPermissionException(operation, namespace, errno, kernelMessage);
            default:
                return new NetlinkException(operation, namespace, errno, kernelMessage);
        }
    }

    /** What was being done, such as {@code "add link veth0"}. */
    public String operation() {
        return operation;
    }

    /** The namespace the socket lives in: its name, or {@code net:[inode]}. */
    public String namespace() {
        return namespace;
    }

    /** The kernel's own explanation (netlink extended ack), where it gave one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }

    /** The errno the kernel reported, or 0 where the error is not the kernel's (a malformed reply). */
    @Override
    public int errno() {
        return kernelErrno;
    }

    /** The symbolic errno name ({@code "EEXIST"}), or the empty string where there is no errno. */
    @Override
    public String errnoName() {
        return kernelErrno == 0 ? "" : Errno.name(kernelErrno);
    }
}
