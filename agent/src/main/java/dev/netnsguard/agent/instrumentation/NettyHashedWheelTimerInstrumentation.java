package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code io.netty.util.HashedWheelTimer}, through its worker {@code HashedWheelTimer$Worker} (the same in
 * 4.1 and 4.2, relocated copies included). The timer's one thread starts lazily, at the first {@code newTimeout}
 * or {@code start()}, and runs every timer task itself. Started inside a scope, it would keep that inherited
 * scope for good and hand it to everything its tasks submit: Lettuce's timer hands every reconnect to its
 * computation group, so a reconnect of any connection, of any namespace, would run under that one scope. When
 * the worker's {@code run()} starts, the thread drops the scopes it inherited, as an event loop does; it is then a
 * pool worker, born where it was started.
 */
final class NettyHashedWheelTimerInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "io.netty.util.HashedWheelTimer$Worker";
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
        t.advise(type(), WorkerStart.class, named("run").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("Netty's `HashedWheelTimer` (4.1 and 4.2, relocated copies included)",
                "`HashedWheelTimer$Worker.run()` (the timer's thread drops the scopes it inherited); its timer tasks"
                        + " are not carried: they run on the timer's thread with no scope"));
    }

    static final class WorkerStart {
        private WorkerStart() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object worker) {
            Propagation.libraryWorkerStarts(worker);
        }
    }
}
