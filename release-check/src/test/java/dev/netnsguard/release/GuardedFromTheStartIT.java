package dev.netnsguard.release;

import dev.netnsguard.NetNS;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.junit.NetnsGuarded;

import java.lang.management.ManagementFactory;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failsafe's JVM, configured by the docs' Failsafe snippet, has the guard from its start, and the
 * JUnit extension (from the BOM, without a version) lets a correct program pass.
 */
@NetnsGuarded
class GuardedFromTheStartIT {
    @Test
    void theGuardIsOnTheCommandLineAndACorrectProgramPasses() throws Exception {
        String agentJar = System.getProperty("netnsguard.test.agentJar");
        assertTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-javaagent:" + agentJar),
                "failsafe's JVM runs with the agent: " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        assertTrue(NetnsGuard.isInstalled());
        try (NetNS ns = NetNS.create(); ServerSocketChannel server = ns.openServerSocketChannel()) {
            server.bind(null);
            try (NetNS born = NetNS.of(server)) {
                assertEquals(ns, born);
            }
        }
        assertEquals(0, NetnsGuard.violations(), NetnsGuard.recentViolations().toString());
    }
}
