package dev.netnsguard.release;

import dev.netnsguard.agent.NetnsGuard;

/**
 * Prints whether the guard is installed in this JVM and with which options, for a test that starts
 * this JVM the way a container would ({@code JAVA_TOOL_OPTIONS}).
 */
public final class GuardStatus {
    private GuardStatus() {}

    /**
     * Prints {@code installed=<true|false>} and {@code configuration=<key=value,...>}, one a line.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("installed=" + NetnsGuard.isInstalled());
        System.out.println("configuration=" + NetnsGuard.configuration());
    }
}
