package dev.netnsguard.agent.bootstrap;

/** What the bridge caches per OS thread (per carrier for virtual threads): the namespace it is in. */
final class ThreadState {
    /** Inode of the OS thread's network namespace, as last read or told by the runtime. */
    long inode;
    /** Checks left until /proc is read again to catch switches the runtime did not tell about. */
    int countdown;
}
