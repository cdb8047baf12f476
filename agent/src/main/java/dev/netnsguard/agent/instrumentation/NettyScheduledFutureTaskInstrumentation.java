package dev.netnsguard.agent.instrumentation;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** Netty's {@code io.netty.util.concurrent.ScheduledFutureTask.run()}: every run of a recorded task installs its scope. */
final class NettyScheduledFutureTaskInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.util.concurrent.ScheduledFutureTask";
    }

    @Override
    public boolean relocatable() {
        return true;
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
        return List.of(); // a row of NettyScheduledExecutorInstrumentation
    }
}
