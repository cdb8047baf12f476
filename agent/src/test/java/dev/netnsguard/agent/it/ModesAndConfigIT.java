package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mode off, configuration precedence, bad configuration, and a clean stderr. */
class ModesAndConfigIT {

    @Test
    void offModeInstallsNothingAndReportsNothing(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("off.jsonl");
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=off,report-file=" + report).runMain(ModesAndConfigScenario.class, "misuse").ok();
        assertEquals("true", r.get("ran.socket"), r.toString());
        assertEquals("true", r.get("ran.bind"), r.toString());
        assertEquals(0, r.count("total"), r.toString());
        assertEquals(List.of(), ForkedJvm.readLines(report));
        assertEquals("", r.stderr().strip());
    }

    @Test
    void precedenceIsArgumentsThenSystemPropertiesThenEnvironmentThenDefaults(@TempDir Path dir) throws Exception {
        String fromProperty = dir.resolve("property.jsonl").toString();
        ForkedJvm.Result r = ForkedJvm.withAgent("log=none")
                .jvmArg("-Dnetnsguard.log=stderr", "-Dnetnsguard.report-file=" + fromProperty, "-Dnetnsguard.mode=strict")
                .env("NETNSGUARD_REPORT_FILE", dir.resolve("env.jsonl").toString())
                .env("NETNSGUARD_MODE", "off")
                .env("NETNSGUARD_EXPECT_OUTSIDE_SCOPE", "any")
                .runMain(ModesAndConfigScenario.class, "config").ok();
        assertEquals("strict", r.get("mode"));
        assertEquals("mode=strict,report-file=" + fromProperty + ",log=none,expect-outside-scope=any,allow=,"
                + "recheck-every=1000,self-test=on,propagate=all,submission-stacks=on,dns-cache=jvm,config-file=", r.get("config"));
        assertEquals("null", r.get("violationErrorLoader"), "NetNSViolationError resolves to the bootstrap copy");
        assertEquals("passed", r.get("selfTest"), "with expect-outside-scope=any too");
        assertEquals("", r.stderr().strip());
    }

    @Test
    void defaultsAreReportMode() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent(null).runMain(ModesAndConfigScenario.class, "config").ok();
        assertEquals("mode=report,report-file=,log=stderr,expect-outside-scope=launch,allow=,recheck-every=1000,"
                + "self-test=on,propagate=all,submission-stacks=on,dns-cache=jvm,config-file=", r.get("config"));
        assertEquals("passed", r.get("selfTest"));
        assertEquals(String.valueOf(ForkedJvm.FEATURE >= 21), r.get("carrierLocal"),
                "the per-thread cache is a CarrierThreadLocal where virtual threads exist");
        assertEquals("", r.stderr().strip());
    }

    @Test
    void unknownKeysAndBadValuesAreClearErrorsAndTheApplicationRuns() throws Exception {
        ForkedJvm.Result unknownArg = ForkedJvm.withAgent("mode=strict,bogus=1").runMain(ModesAndConfigScenario.class, "config").ok();
        assertTrue(unknownArg.stderr().contains("netns-guard: unknown configuration key 'bogus' (in agent arguments);"
                + " known keys: mode, report-file, log, expect-outside-scope, allow, recheck-every, self-test"), unknownArg.stderr());
        assertTrue(unknownArg.stderr().contains("not installed"), unknownArg.stderr());
        assertEquals("off", unknownArg.get("mode"));

        ForkedJvm.Result badValue = ForkedJvm.withAgent("mode=loud").runMain(ModesAndConfigScenario.class, "config").ok();
        assertTrue(badValue.stderr().contains("netns-guard: bad value 'loud' for mode (from agent argument mode);"
                + " allowed values: strict, report, off"), badValue.stderr());

        ForkedJvm.Result unknownEnv = ForkedJvm.withAgent("").env("NETNSGUARD_VERBOSE", "yes").runMain(ModesAndConfigScenario.class, "config").ok();
        assertTrue(unknownEnv.stderr().contains("unknown configuration key 'NETNSGUARD_VERBOSE' (in environment variable"),
                unknownEnv.stderr());

        ForkedJvm.Result unknownProperty = ForkedJvm.withAgent("").jvmArg("-Dnetnsguard.moed=strict").runMain(ModesAndConfigScenario.class, "config").ok();
        assertTrue(unknownProperty.stderr().contains("unknown configuration key 'moed' (in system property netnsguard.moed)"),
                unknownProperty.stderr());
    }

    @Test
    void expectAnyOutsideScopeOnlyChecksScopes() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict,expect-outside-scope=any").runMain(ModesAndConfigScenario.class, "misuse").ok();
        assertEquals("true", r.get("ran.socket"), r.toString()); // the stray thread has no scope: anything goes
        assertEquals("SOCKET_BIND", r.get("thrown.bind"), r.toString()); // inside a scope it is still checked
        assertEquals(4, r.count("total"), r.toString());
    }

    @Test
    void allowedCallersAreNotChecked() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("mode=strict,log=none,"
                + "allow=dev.netnsguard.netlink.RouteSocket#openOnCurrentThread,java.lang.ProcessBuilder").runMain(ModesAndConfigScenario.class, "misuse").ok();
        assertEquals("SOCKET_OPEN", r.get("thrown.socket"), r.toString());
        assertEquals("true", r.get("ran.netlink"), r.toString());
        assertEquals("true", r.get("ran.process"), r.toString());
        assertEquals(9, r.count("total"), "11 misuses in strict mode, 2 allowed: " + r);
    }

    @Test
    void aSwitchTheGuardWasNotToldAboutIsCaughtAtEverySocketWhateverRecheckEverySays() throws Exception {
        for (String recheck : new String[] {"recheck-every=4", "recheck-every=0"}) {
            ForkedJvm.Result r = ForkedJvm.withAgent(recheck).runMain(ModesAndConfigScenario.class, "native-switch").ok();
            assertEquals(20, r.count("SOCKET_OPEN"), "every socket is asked of the kernel (" + recheck + "): " + r);
            assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("netns-guard: SOCKET_OPEN")).count(),
                    "one log line per site: " + r.stderr());
        }
    }

    @Test
    void worksWithoutTheRuntimeOnTheClassPath() throws Exception {
        String name = "ngtest-ag-" + ProcessHandle.current().pid() + "-nort";
        dev.netnsguard.NetNS ns = dev.netnsguard.NetNS.createNamed(name);
        try {
            String path = ns.path().orElseThrow().toString();
            ForkedJvm.Result strict = ForkedJvm.withAgent("mode=strict,log=none").withoutRuntime()
                    .jvmArg(ForkedJvm.FEATURE >= 21 ? "--enable-native-access=ALL-UNNAMED" : "-Dngtest=1")
                    .runMain(NoRuntimeMain.class, path).ok();
            assertEquals("true", strict.get("runtimeAbsent"), strict.toString());
            assertEquals("thrown SOCKET_OPEN loader=null", strict.get("outcome"), strict.toString());
            assertEquals("", strict.stderr().strip(), strict.toString());
        } finally {
            ns.close();
            dev.netnsguard.NetNS.deleteNamed(name);
        }
    }

    @Test
    void withoutViolationsTheAgentPrintsNothing() throws Exception {
        ForkedJvm.Result r = ForkedJvm.withAgent("").runMain(ModesAndConfigScenario.class, "plain").ok();
        assertEquals(0, r.count("total"));
        assertEquals("", r.stderr().strip(), r.toString());
    }
}
