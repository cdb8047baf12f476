package dev.netnsguard.agent.it;

import dev.netnsguard.NetNSViolationError;
import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.NetNS;

import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.netnsguard.agent.it.Scenario.counts;
import static dev.netnsguard.agent.it.Scenario.result;
import static dev.netnsguard.agent.it.Scenario.withNamespace;

/**
 * What {@link ModesAndConfigIT} forks: {@code ModesAndConfigScenario <program>}. The configuration as
 * the agent read it, a raw switch only a re-read notices, plain work, and {@link EntryPointsScenario}'s
 * misuse of every entry point, whose counts per kind {@link EntryPointsIT} pins.
 */
public final class ModesAndConfigScenario {
    private ModesAndConfigScenario() {}

    public static void main(String[] args) throws Throwable {
        Scenario.run(args, Map.of(
                "config", ModesAndConfigScenario::config,
                "native-switch", () -> withNamespace(ModesAndConfigScenario::nativeSwitch),
                "plain", ModesAndConfigScenario::plain,
                "misuse", () -> withNamespace(EntryPointsScenario::misuse)));
    }

    /** The configuration and mode the agent settled on, and its self-test's outcome. */
    static void config() throws InterruptedException {
        result("mode", NetnsGuard.mode());
        result("config", NetnsGuard.configuration());
        result("violationErrorLoader", NetNSViolationError.class.getClassLoader());
        for (int i = 0; i < 1000 && NetnsGuard.selfTest().equals("running"); i++) {
            Thread.sleep(10);
        }
        result("selfTest", NetnsGuard.selfTest());
        if (NetnsGuard.isInstalled()) {
            result("carrierLocal", dev.netnsguard.agent.bootstrap.GuardBridge.carrierLocal());
        }
    }

    static void plain() throws Exception {
        EntryPointsScenario.plainWork();
        counts();
    }

    /**
     * A thread moved by a raw setns the runtime does not hear about (as native code would do), then
     * opening sockets: only the periodic re-read of /proc can notice.
     */
    static void nativeSwitch(NetNS ns) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                SocketChannel.open().close(); // the guard caches: launch namespace
                dev.netnsguard.internal.linux.Syscalls.setNetNS(ns.fd());
                for (int i = 0; i < 20; i++) {
                    SocketChannel.open().close();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "ngtest-native-switch");
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        counts();
    }
}
