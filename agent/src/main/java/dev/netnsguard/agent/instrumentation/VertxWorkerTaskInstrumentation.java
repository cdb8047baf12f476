package dev.netnsguard.agent.instrumentation;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Vert.x 5's {@code io.vertx.core.impl.WorkerTask}, every piece of blocking work ({@code executeBlocking}, a worker
 * context's events): {@code run()} installs the scopes recorded when the task was queued in a {@code TaskQueue}
 * ({@link VertxTaskQueueInstrumentation}). A task handed straight to the worker pool ({@code executeBlocking} with
 * {@code ordered} false) is carried by the pool's {@code ThreadPoolExecutor} instead and finds nothing recorded.
 */
final class VertxWorkerTaskInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.vertx.core.impl.WorkerTask";
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
        return List.of(); // a row of VertxTaskQueueInstrumentation
    }
}
