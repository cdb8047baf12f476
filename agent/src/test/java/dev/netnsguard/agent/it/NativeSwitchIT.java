package dev.netnsguard.agent.it;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact by default: a thread moved by foreign native code (a raw setns through JNA) is caught at its
 * first network operation, although its per-thread cache is warm and says otherwise, in report and
 * strict mode, with and without the runtime; moved there and back before the operation, it is not.
 */
class NativeSwitchIT {
    @RegisterExtension
    static final NamedNamespace NS = new NamedNamespace("ngtest-ag-ns-");

    private static ForkedJvm.Result run(String mode, String op, String... more) throws Exception {
        ForkedJvm jvm = ForkedJvm.withAgent("mode=" + mode + ",log=none")
                .jvmArg(ForkedJvm.FEATURE >= 21 ? "--enable-native-access=ALL-UNNAMED" : "-Dngtest=1");
        if (!java.util.List.of(more).contains("runtime")) {
            jvm.withoutRuntime();
        }
        String[] args = new String[2 + more.length];
        args[0] = NS.path();
        args[1] = op;
        System.arraycopy(more, 0, args, 2, more.length);
        return jvm.runMain(NativeSwitchMain.class, args).ok();
    }

    private static final java.util.Map<String, String> KIND = new java.util.LinkedHashMap<>();

    static {
        for (String op : new String[] {"socket", "bind", "connect", "send"}) {
            KIND.put(op, "SOCKET_OPEN");
        }
        KIND.put("process", "PROCESS_START");
        KIND.put("dns", "DNS_LOOKUP");
    }

    private static final String OPS = String.join(",", KIND.keySet());

    @ParameterizedTest
    @CsvSource({"report,none", "report,runtime", "strict,none", "strict,runtime"})
    void aNativeSwitchIsCaughtAtTheFirstOperation(String mode, String runtime) throws Exception {
        ForkedJvm.Result r = run(mode, OPS, runtime);
        KIND.forEach((op, kind) -> {
            if (mode.equals("report")) {
                assertTrue(r.get("outcome." + op).startsWith("ran"), op + "\n" + r);
            } else {
                assertEquals("thrown " + kind, r.get("outcome." + op), op + "\n" + r);
            }
            assertEquals("[" + kind + "]", r.get("kinds." + op), op + "\n" + r);
        });
    }

    @org.junit.jupiter.api.Test
    void switchedThereAndBackIsSilent() throws Exception {
        ForkedJvm.Result r = run("strict", OPS, "back");
        for (String op : KIND.keySet()) {
            assertTrue(r.get("outcome." + op).startsWith("ran"), op + "\n" + r);
        }
        assertEquals("0", r.get("violations"), r.toString());
    }
}
