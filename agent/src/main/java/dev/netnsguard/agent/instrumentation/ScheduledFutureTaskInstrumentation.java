package dev.netnsguard.agent.instrumentation;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** {@code ScheduledThreadPoolExecutor.ScheduledFutureTask.run()}: every run of a recorded task installs its scope. */
final class ScheduledFutureTaskInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), RecordedTaskRun.class, named("run").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(); // a row of ScheduledThreadPoolExecutorInstrumentation
    }
}
