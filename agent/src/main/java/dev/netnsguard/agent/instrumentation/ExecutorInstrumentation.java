package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.lang.instrument.ClassFileTransformer;
import java.util.List;

/**
 * Every other {@code java.util.concurrent.Executor}: the {@code execute(Runnable)} an implementing class
 * declares (so also {@code submit}, {@code invokeAll} and {@code invokeAny} of an {@code ExecutorService} built
 * on {@code AbstractExecutorService}) wraps a task handed over inside a scope, as for a {@code ThreadPoolExecutor}.
 * The classes are found by their hierarchy when they load ({@link ExecutorImplementors}), with OpenTelemetry's
 * executors instrumentation's precautions: a call depth (the executor's own hand-overs inside the call, to a
 * pool it delegates to or a worker it starts, carry nothing more; nor does a task already wrapped), and
 * exclusions of the executors handled by their own units and of those that look at the task's type.
 * The same on 17 and 25 (no JDK class is matched: the JDK's executors are the units' or delegate to them).
 */
final class ExecutorInstrumentation implements TypeInstrumentation {
    private final ExecutorImplementors implementors = new ExecutorImplementors();

    @Override
    public String type() {
        return "java.util.concurrent.Executor";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        // the implementors are matched by their hierarchy, not by name: see hierarchyTransformer()
    }

    @Override
    public ClassFileTransformer hierarchyTransformer() {
        return implementors;
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("any other `Executor` (a class declaring `execute(Runnable)`, loaded after the"
                + " agent)", "`execute(Runnable)` (wraps; nested hand-overs inside the call carry nothing more); not the"
                + " JDK's own, Netty's or Vert.x's (units of their own), nor Kotlin coroutines', Scala's, Akka's, Pekko's or"
                + " Jetty's executors, which look at the task's type"));
    }

    static final class Execute {
        private Execute() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.This Object executor, @Advice.Argument(value = 0, readOnly = false) Runnable task) {
            Runnable carried = Propagation.wrap(executor, task);
            if (carried == task) {
                return null;
            }
            task = carried;
            return Propagation.handing(carried);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter Object previous) {
            Propagation.handedOver(previous);
        }
    }
}
