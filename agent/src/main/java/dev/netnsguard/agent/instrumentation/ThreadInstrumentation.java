package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.lang.Thread.start}: where platform threads are born. 17: {@code public synchronized void
 * start()}; 21+: also {@code void start(ThreadContainer)} (thread builders, containers). {@code VirtualThread}
 * overrides both and is not recorded.
 */
final class ThreadInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.lang.Thread";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), Start.class, named("start")
                .and(takesArguments(0).or(takesArguments(1).and(takesArgument(0, named("jdk.internal.vm.ThreadContainer"))))));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("thread births", "`Thread.start()` (17: `synchronized`, 25: plain) and, on 21+,"
                + " `Thread.start(ThreadContainer)`; `VirtualThread` overrides both and is not recorded"));
    }

    static final class Start {
        private Start() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Thread thread) {
            GuardBridge.threadStarting(thread);
        }
    }
}
