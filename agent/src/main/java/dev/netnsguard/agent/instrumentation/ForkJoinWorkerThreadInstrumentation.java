package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;
import java.util.concurrent.ForkJoinWorkerThread;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** {@code java.util.concurrent.ForkJoinWorkerThread.run()}: a new worker drops the scope it inherited from its creator. */
final class ForkJoinWorkerThreadInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.concurrent.ForkJoinWorkerThread";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Run.class, named("run").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(); // a row of ForkJoinPoolInstrumentation
    }

    static final class Run {
        private Run() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This ForkJoinWorkerThread worker) {
            Propagation.workerStarts(worker.getPool());
        }
    }
}
