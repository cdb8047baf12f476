package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * OkHttp 5's {@code okhttp3.internal.concurrent.TaskRunner} (5.x; relocated copies included). Its runner threads
 * are loops ({@code TaskRunner$runnable$1}) handed to a pool, each running many tasks: the private
 * {@code beforeRun(Task)} (on the thread that is about to run the task) installs the scope the task was
 * scheduled with ({@link OkHttpTaskQueueInstrumentation}), and {@code afterRun(Task, long, boolean)} (after the
 * task, whether it returned or threw) puts the thread's own back. The private {@code startAnotherThread()} hands a
 * new loop to the pool: the loop carries no scope, although the thread starting it is inside one (a scheduling
 * thread, or a task).
 */
final class OkHttpTaskRunnerInstrumentation implements TypeInstrumentation {
    private static final String TASK = "okhttp3.internal.concurrent.Task";

    @Override
    public String type() {
        return "okhttp3.internal.concurrent.TaskRunner";
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
        t.advise(type(), BeforeRun.class, named("beforeRun").and(takesArguments(1)).and(takesArgument(0, nameEndsWith(TASK))))
                .advise(type(), AfterRun.class, named("afterRun").and(takesArguments(3)).and(takesArgument(0, nameEndsWith(TASK))))
                .advise(type(), StartAnotherThread.class, named("startAnotherThread").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(); // a row of OkHttpTaskQueueInstrumentation
    }

    static final class BeforeRun {
        private BeforeRun() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object task) {
            Propagation.recordedTaskStarts(task);
        }
    }

    static final class AfterRun {
        private AfterRun() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Propagation.recordedTaskEnds();
        }
    }

    static final class StartAnotherThread {
        private StartAnotherThread() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter() {
            return Propagation.ownHandOver();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter Object previous) {
            Propagation.handedOver(previous);
        }
    }
}
