package dev.netnsguard.testcontainers;

import dev.netnsguard.NoSuchNetNSException;

/**
 * The container a {@link ContainerNetNS} was opened on is no longer running the process it ran
 * when the handle was opened: it has stopped, been removed, or restarted (a restarted container has
 * a new process and a new network namespace). The message names the container.
 *
 * <p>A {@link NoSuchNetNSException}, and so a {@link dev.netnsguard.NetNSException}: the network
 * namespace the handle refers to is no longer the container's.
 */
public class ContainerStoppedException extends NoSuchNetNSException {
    private static final long serialVersionUID = 1L;

    private final String containerId;

    /** An error about container {@code containerId}, explained by {@code message}. */
    public ContainerStoppedException(String containerId, String message) {
        super(message);
        this.containerId = containerId;
    }

    /** The full id of the container that stopped. */
    public String containerId() {
        return containerId;
    }
}
