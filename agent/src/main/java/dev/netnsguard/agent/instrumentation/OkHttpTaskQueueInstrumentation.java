package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * OkHttp 5's {@code okhttp3.internal.concurrent.TaskQueue} (5.x; relocated copies included): {@code schedule(Task,
 * long)}, which {@code execute} and the other {@code schedule} pass, is where the application's threads hand
 * OkHttp's own work (connects with fast fallback, the connection pool's clean-up, HTTP/2 writers and pings) to the
 * JVM-wide {@code TaskRunner}. The {@code Task} is recorded, not wrapped: the queue keeps and compares the task
 * itself, and one task object is scheduled again and again, so it carries the scope of its latest scheduling.
 * Its runs are {@link OkHttpTaskRunnerInstrumentation}'s. Recurrences ({@code scheduleAndDecide} after a run)
 * keep the scope of the scheduling they repeat.
 */
final class OkHttpTaskQueueInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "okhttp3.internal.concurrent.TaskQueue";
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
        t.advise(type(), Schedule.class, named("schedule").and(takesArguments(2))
                .and(takesArgument(0, nameEndsWith("okhttp3.internal.concurrent.Task"))).and(takesArgument(1, long.class)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("OkHttp 5's task runner (`okhttp3.internal.concurrent.TaskQueue`, `TaskRunner`;"
                + " relocated copies included)", "`TaskQueue.schedule(Task, long)` (records the task, with the scope of"
                + " its latest scheduling); `TaskRunner.beforeRun(Task)` and `afterRun(Task, long, boolean)` (install and"
                + " put back); `startAnotherThread()` (the runner's loop it hands to its pool carries no scope)"));
    }

    static final class Schedule {
        private Schedule() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object queue, @Advice.Argument(0) Object task) {
            Propagation.recordLatest(queue, task);
        }
    }
}
