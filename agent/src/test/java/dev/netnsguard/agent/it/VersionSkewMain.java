package dev.netnsguard.agent.it;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.agent.bootstrap.GuardBridge;

/**
 * A JVM whose boot loader already has a bootstrap part (given with {@code -Xbootclasspath/a}), stamped
 * by another agent when the first argument is an origin, then installs the guard programmatically, twice.
 * Prints {@code RESULT} lines; the application carries on whatever the outcome.
 */
public final class VersionSkewMain {
    private VersionSkewMain() {}

    public static void main(String[] args) {
        if (args.length > 0) {
            Scenario.result("stamped", GuardBridge.origin(args[0]));
        }
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                NetnsGuard.install("mode=report,log=none");
                Scenario.result("install." + attempt, "installed " + NetnsGuard.mode());
            } catch (IllegalStateException e) {
                Scenario.result("install." + attempt, "refused");
            }
        }
        Scenario.result("origin", GuardBridge.origin("asked by the application"));
        Scenario.result("done", "true");
    }
}
