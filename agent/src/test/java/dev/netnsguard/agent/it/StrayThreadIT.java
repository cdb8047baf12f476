package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trap 2 (threads that inherited a namespace: lazily created pool workers and carriers) and trap 3
 * (raw switches left on pooled threads): reported as STRAY_THREAD; without propagation they go unseen.
 */
class StrayThreadIT {
    /** parallelism 2 so the common pool is used; one carrier, so the stray carrier is the one that runs. */
    static ForkedJvm jvm(String args) {
        return ForkedJvm.withAgent(args).jvmArg(PropagationIT.COMMON, "-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1");
    }

    @Test
    void threadsThatInheritedOrKeptANamespaceAreReported() throws Exception {
        ForkedJvm.Result r = jvm("mode=report,log=none").runMain(StrayThreadScenario.class, "stray").ok();
        String ns = r.get("ns.inode");
        String launch = r.get("launch.inode");
        for (String c : List.of("lazy-worker", "lazy-common-pool", "raw-switch-then-outside-work")) {
            assertEquals("1", r.get("case." + c), c + "\n" + r);
            assertEquals("STRAY_THREAD", r.get("kind." + c), c + "\n" + r);
            assertEquals(launch, r.get("expected." + c), c);
            assertEquals(ns, r.get("actual." + c), c);
            assertTrue(r.get("detail." + c).startsWith("SOCKET_OPEN on pool thread \""), c + ": " + r.get("detail." + c));
        }
        assertTrue(r.get("detail.lazy-worker").contains("born in net:[" + ns + "] inside a scope, started by \"netns-ngtest-ag-"),
                r.get("detail.lazy-worker"));
        assertTrue(r.get("detail.raw-switch-then-outside-work").contains("switched into it after its birth"),
                r.get("detail.raw-switch-then-outside-work"));
        // a raw-switched worker serving a task carried from another namespace's scope: both stacks
        assertEquals("1", r.get("case.raw-switch-then-carried-work"), r.toString());
        assertEquals("STRAY_THREAD", r.get("kind.raw-switch-then-carried-work"));
        assertEquals(r.get("other.inode"), r.get("expected.raw-switch-then-carried-work"));
        assertEquals(ns, r.get("actual.raw-switch-then-carried-work"));
        assertTrue(r.get("submittedFrom.raw-switch-then-carried-work").contains("StrayThreadScenario.lambda$stray"), r.toString());
        if (ForkedJvm.FEATURE >= 21) {
            assertEquals("1", r.get("case.stray-carrier"), r.toString());
            assertEquals("STRAY_THREAD", r.get("kind.stray-carrier"), r.toString());
            assertEquals("true", r.get("virtual.stray-carrier"), r.toString());
            assertEquals(launch, r.get("expected.stray-carrier"));
            assertEquals(ns, r.get("actual.stray-carrier"));
            assertTrue(r.get("detail.stray-carrier").startsWith("SOCKET_OPEN on the carrier thread of VirtualThread["),
                    r.get("detail.stray-carrier"));
        } else {
            assertEquals("unsupported", r.get("virtual"));
        }
        assertEquals(List.of(), r.foreignStderr(), r.stderr());
    }

    @Test
    void aCarrierSwitchedUnderAVirtualThreadIsReportedForTheNextVirtualThread() throws Exception {
        // recheck-every=1: a native setns is noticed at the next check (the default notices it within 1000)
        ForkedJvm.Result r = jvm("mode=report,log=none,recheck-every=1").runMain(StrayThreadScenario.class, "carrier-switch").ok();
        if (ForkedJvm.FEATURE < 21) {
            assertEquals("unsupported", r.get("virtual"), r.toString());
            return;
        }
        assertEquals("0", r.get("case.before-switch"), r.toString());
        assertEquals("1", r.get("case.after-switch"), r.toString());
        assertEquals("STRAY_THREAD", r.get("kind.after-switch"), r.toString());
        assertEquals("true", r.get("virtual.after-switch"), r.toString());
        assertEquals(r.get("launch.inode"), r.get("expected.after-switch"));
        assertEquals(r.get("ns.inode"), r.get("actual.after-switch"));
    }

    @Test
    void theThreadsCommandShowsWhereStrayPoolThreadsWereBorn() throws Exception {
        try (ForkedJvm.Running target = ForkedJvm.withAgent("log=none").startMain(StrayThreadScenario.class, "stray-target")) {
            String name = target.await("ns.name");
            String birth = target.await("birth"); // as NetNS.auditThreads() shows it
            assertTrue(birth.matches("\\[\\d+, true, netns-" + name + "-call-1\\]"), birth);
            String pid = target.await("ready");
            ForkedJvm.Result threads = ForkedJvm.agentCommand("threads", pid);
            assertEquals(0, threads.exit(), threads.toString());
            System.out.println("--- the threads command, as printed:\n" + threads.stdout());
            String line = threads.stdout().lines().filter(l -> l.contains(" pool-1-thread-1")).findFirst().orElseThrow(
                    () -> new AssertionError(threads.stdout()));
            assertTrue(line.contains(name + " net:[") && line.contains("STRAY"), line);
            assertTrue(line.contains("[born in " + name + " net:[") && line.contains(" inside a scope, started by \"netns-" + name),
                    line);
            assertTrue(threads.stdout().contains("1 of them pool threads born inside a scope (STRAY)"), threads.stdout());
            target.finish().ok();
        }
    }

    @Test
    void withoutPropagationTheWorkersKeepTheirInheritedScopeAndNothingIsSeen() throws Exception {
        ForkedJvm.Result r = jvm("mode=report,log=none,propagate=none").runMain(StrayThreadScenario.class, "stray").ok();
        assertEquals("0", r.get("case.lazy-worker"), r.toString());
        assertEquals("0", r.get("case.raw-switch-then-outside-work"), r.toString());
        assertEquals("0", r.get("case.raw-switch-then-carried-work"), r.toString());
    }

    @Test
    void threadsThatOnlyServeTheirNamespaceStaySilentInStrictMode() throws Exception {
        ForkedJvm.Result r = jvm("mode=strict").runMain(StrayThreadScenario.class, "stray-correct").ok();
        for (String c : List.of("lazy-worker-serving-its-scope", "lazy-worker-no-network", "raw-switch-own-thread")) {
            assertEquals("0", r.get("case." + c), c + "\n" + r);
            assertEquals(null, r.get("failed." + c), c + "\n" + r);
        }
        if (ForkedJvm.FEATURE >= 21) {
            assertEquals("0", r.get("case.virtual-outside"), r.toString());
        }
        assertEquals("0", r.get("count.total"), r.toString());
        assertEquals("", r.stderr(), r.stderr());
    }
}
