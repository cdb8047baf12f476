package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bootstrap part is defined once per JVM and frozen. An agent meeting one made by another agent
 * version refuses to install, naming both, and the application runs on; meeting its own, it installs,
 * and installing again reconfigures it.
 */
class VersionSkewIT {
    static ForkedJvm jvm(Path bootstrapPart) {
        ForkedJvm jvm = ForkedJvm.withoutAgent().agentOnClassPath().withoutRuntime()
                .jvmArg("-Xbootclasspath/a:" + bootstrapPart, "-Xshare:off");
        if (ForkedJvm.FEATURE >= 21) {
            jvm.jvmArg("-XX:+EnableDynamicAgentLoading");
        }
        return jvm;
    }

    static Path bootstrapPart(Path dir) throws Exception {
        Path part = dir.resolve("bootstrap.jar");
        try (JarFile agent = new JarFile(ForkedJvm.AGENT_JAR.toFile());
                InputStream nested = agent.getInputStream(agent.getEntry("META-INF/netns-guard/bootstrap.jar"))) {
            Files.copy(nested, part);
        }
        return part;
    }

    @Test
    void aBootstrapPartOfAnotherVersionIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        String other = "netns-guard agent 0.0.9 (bootstrap 0123456789ab)";
        ForkedJvm.Result r = jvm(bootstrapPart(dir)).runMain(VersionSkewMain.class, other).ok();
        assertEquals("refused", r.get("install.1"), r.toString());
        assertEquals("refused", r.get("install.2"), r.toString());
        assertEquals(other, r.get("origin"), "the other agent's part is left as it was");
        assertTrue(r.stderr().contains("not installed: java.lang.IllegalStateException: this JVM already has the bootstrap"
                + " part of " + other + ", and this agent is netns-guard agent "), r.stderr());
        assertTrue(r.stderr().contains("restart the JVM with this agent"), r.stderr());
    }

    @Test
    void itsOwnBootstrapPartIsUsedAndASecondInstallReconfigures(@TempDir Path dir) throws Exception {
        ForkedJvm.Result r = jvm(bootstrapPart(dir)).runMain(VersionSkewMain.class).ok();
        assertEquals("installed report", r.get("install.1"), r.toString());
        assertEquals("installed report", r.get("install.2"), r.toString());
        assertTrue(r.get("origin").startsWith("netns-guard agent "), r.toString());
    }

    @Test
    void attachingTheSameAgentTwiceReconfiguresIt() throws Exception {
        ForkedJvm target = ForkedJvm.withoutAgent();
        if (ForkedJvm.FEATURE >= 21) {
            target.jvmArg("-XX:+EnableDynamicAgentLoading");
        }
        try (ForkedJvm.Running running = target.startMain(AttachAndCommandsScenario.class, "attach-target")) {
            String pid = running.await("ready");
            ForkedJvm.Result first = ForkedJvm.agentCommand("attach", pid, "mode=report,log=none");
            assertEquals(0, first.exit(), first.toString());
            ForkedJvm.Result second = ForkedJvm.agentCommand("attach", pid, "mode=report,log=stderr");
            assertEquals(0, second.exit(), second.toString());
            ForkedJvm.Result r = running.finish().ok();
            assertEquals("true", r.get("installed"), r.toString());
            assertEquals(1, r.count("SOCKET_BIND"), r.toString());
            assertTrue(r.stderr().contains("netns-guard: SOCKET_BIND: "), "the second attach's log=stderr is in force\n" + r);
            assertFalse(r.stderr().contains("not installed"), r.toString());
        }
    }
}
