package dev.netnsguard.demo;

/**
 * One classic namespace bug the demo commits on purpose, in a way that stays on loopback: in report
 * mode the wrong call goes ahead, so it must never be able to reach beyond the machine.
 */
interface Bug {
    /** A short label, such as "a task escaping a scope into a shared executor". */
    String label();

    /** The violation kind the guard should report. */
    String expectedKind();

    /** Commits the bug; the guard reports it (report mode) or throws from it (strict mode). */
    void commit(Topology network) throws Exception;
}
