package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** attach and threads commands, programmatic install, and a second agent next to this one. */
class AttachAndCommandsIT {
    static String[] dynamicAgentFlag() {
        // JDK 21+ warns about agents loaded into a running JVM unless it allows them (JEP 451).
        return ForkedJvm.FEATURE >= 21 ? new String[] {"-XX:+EnableDynamicAgentLoading"} : new String[0];
    }

    @Test
    void attachToARunningJvm() throws Exception {
        try (ForkedJvm.Running target = ForkedJvm.withoutAgent().jvmArg(dynamicAgentFlag()).startMain(AttachAndCommandsScenario.class, "attach-target")) {
            String pid = target.await("ready");
            ForkedJvm.Result attach = ForkedJvm.agentCommand("attach", pid, "mode=report,log=stderr");
            assertEquals(0, attach.exit(), attach.toString());
            assertTrue(attach.stdout().contains("agent loaded into " + pid), attach.toString());
            ForkedJvm.Result r = target.finish().ok();
            assertEquals("true", r.get("installed"), r.toString());
            assertEquals("true", r.get("ran.bind"), r.toString());
            assertEquals(1, r.count("SOCKET_BIND"), r.toString());
            assertEquals(List.of(), r.foreignStderr(), r.stderr());
        }
    }

    @Test
    void threadsCommandListsThreadsAndFlagsStrays() throws Exception {
        try (ForkedJvm.Running target = ForkedJvm.withoutAgent().startMain(AttachAndCommandsScenario.class, "threads-target")) {
            String name = target.await("ns.name");
            String pid = target.await("ready");
            ForkedJvm.Result threads = ForkedJvm.agentCommand("threads", pid);
            assertEquals(0, threads.exit(), threads.toString());
            assertTrue(threads.stdout().startsWith("JVM " + pid + ", launch namespace net:["), threads.stdout());
            Optional<String> line = threads.stdout().lines().filter(l -> l.contains("ngtest-switched-thread-long-name")).findFirst();
            assertTrue(line.isPresent(), threads.stdout());
            assertTrue(line.get().contains(name + " net:[") && line.get().contains("OTHER"), line.get());
            assertTrue(threads.stdout().lines().anyMatch(l -> l.endsWith(" main") && !l.contains("OTHER")), threads.stdout());
            assertTrue(threads.stdout().contains(" not in the launch namespace"), threads.stdout());
            target.finish().ok();
        }
    }

    @Test
    void programmaticInstall() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withoutAgent().agentOnClassPath().jvmArg(dynamicAgentFlag()).runMain(AttachAndCommandsScenario.class, "programmatic").ok();
        assertEquals("false", r.get("before"), r.toString());
        assertEquals("true", r.get("after"), r.toString());
        assertEquals("strict", r.get("mode"), r.toString());
        assertEquals("SOCKET_BIND", r.get("thrown.bind"), r.toString());
        assertEquals("report", r.get("mode.later"), r.toString());
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void coexistsWithASecondAgentAndTheApplicationsOwnByteBuddy() throws Exception {
        String secondAgent = ForkedJvm.testJar("byte-buddy-agent-");
        ForkedJvm.Result r = ForkedJvm.withAgent("log=none").jvmArg("-javaagent:" + secondAgent)
                .classPath(secondAgent).classPath(ForkedJvm.testJar("byte-buddy-1"))
                .runMain(AttachAndCommandsScenario.class, "coexist").ok();
        assertEquals("ngtest.Generated", r.get("generated"), r.toString());
        assertEquals("true", r.get("secondAgent"), r.toString());
        assertEquals(12, r.count("total"), r.toString());
        assertEquals("", r.stderr().strip(), r.toString());
    }
}
