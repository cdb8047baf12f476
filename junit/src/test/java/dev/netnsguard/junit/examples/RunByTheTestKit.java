package dev.netnsguard.junit.examples;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The examples fail on purpose: they run only when the engine test kit of NetnsGuardExtensionTest
 * (or SelfInstallMain) asks for them, never in a plain run such as {@code mvn test -Dtest=...}.
 */
public final class RunByTheTestKit implements ExecutionCondition {
    /** The configuration parameter the test kit sets to "true". */
    public static final String PARAMETER = "ngtest-ju.examples";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(PARAMETER).filter("true"::equals).isPresent()
                ? ConditionEvaluationResult.enabled("run by the engine test kit")
                : ConditionEvaluationResult.disabled("an example that fails on purpose; run by NetnsGuardExtensionTest");
    }
}
