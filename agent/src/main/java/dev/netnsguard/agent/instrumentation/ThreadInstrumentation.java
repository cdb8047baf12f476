package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;

import java.util.List;
import java.util.Set;

/**
 * {@code java.lang.Thread.start}: where platform threads are born. 17: {@code public synchronized void
 * start()}; 21+: also {@code void start(ThreadContainer)} (thread builders, containers). {@code VirtualThread}
 * overrides both and is not recorded. Every JVM has loaded {@code Thread} before premain, so it is
 * retransformed at install: its hook is a plain entry call ({@link GuardTransformer#callOnEntry}), which
 * {@link GuardBridge#threadStarting} makes safe by catching its own faults.
 */
final class ThreadInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.lang.Thread";
    }

    @Override
    public void apply(GuardTransformer t) {
        t.callOnEntry(type(), "start", Set.of("()V", "(Ljdk/internal/vm/ThreadContainer;)V"),
                GuardBridge.class, "threadStarting", "(Ljava/lang/Thread;)V");
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("thread births", "`Thread.start()` (17: `synchronized`, 25: plain) and, on 21+,"
                + " `Thread.start(ThreadContainer)`; `VirtualThread` overrides both and is not recorded"));
    }
}
