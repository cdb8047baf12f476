package dev.netnsguard.agent.instrumentation;

/**
 * One row of the coverage table of docs/agent.md: an entry point of the JDK or a library, whether it
 * is guarded on JDK 17 and on JDK 25, and by what (or why not).
 */
public record Coverage(String entryPoint, String jdk17, String jdk25, String how) {
    /** A row guarded the same way on both JDKs. */
    static Coverage both(String entryPoint, String how) {
        return new Coverage(entryPoint, "yes", "yes", how);
    }

    /** The row as a line of a Markdown table. */
    public String markdown() {
        return "| " + entryPoint + " | " + jdk17 + " | " + jdk25 + " | " + how + " |";
    }
}
