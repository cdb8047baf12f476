package dev.netnsguard.junit;

import dev.netnsguard.agent.NetnsGuard;
import dev.netnsguard.junit.examples.GuardedExample;
import dev.netnsguard.junit.examples.RunByTheTestKit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What {@link SelfInstallTest} runs in a JVM started without {@code -javaagent}: the examples, on
 * the Jupiter engine; prints {@code RESULT key=value} lines.
 */
public final class SelfInstallMain {
    private SelfInstallMain() {}

    public static void main(String[] args) {
        result("installed.before", NetnsGuard.isInstalled());
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(RunByTheTestKit.PARAMETER, "true")
                .selectors(selectClass(GuardedExample.class)).execute();
        Events tests = results.testEvents();
        for (Event failed : results.containerEvents().failed().list()) {
            result("container.failure", failed.getRequiredPayload(TestExecutionResult.class).getThrowable()
                    .map(Throwable::toString).orElse("").replace('\n', ' '));
        }
        result("installed.after", NetnsGuard.isInstalled());
        result("mode", NetnsGuard.mode());
        result("succeeded", tests.succeeded().count());
        result("failed", tests.failed().count());
        for (Event failed : tests.failed().list()) {
            Throwable thrown = failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            result("thrown." + failed.getTestDescriptor().getDisplayName().replaceAll("\\(.*", ""),
                    thrown.getClass().getName());
            StringBuilder all = new StringBuilder(String.valueOf(thrown.getMessage()));
            for (Throwable suppressed : thrown.getSuppressed()) {
                all.append('\n').append(suppressed.getMessage());
            }
            String message = all.toString();
            String name = failed.getTestDescriptor().getDisplayName();
            result("failure." + name.substring(0, name.indexOf('(')), message.lines().filter(l -> l.startsWith("1) "))
                    .findFirst().orElse(message.replace('\n', ' ')));
        }
        result("done", true);
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + "=" + value);
    }
}
