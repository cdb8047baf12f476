package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which loading classes the executors' own transformer touches: implementors declaring execute(Runnable), few others. */
class ExecutorImplementorsTest {
    /** An executor with its own queue, as a library would write one; the superclass of a generated one below. */
    public static class QueueingExecutor implements Executor {
        final Queue<Runnable> queue = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }
    }

    /** Hands work to an executor, as most classes naming execute(Runnable) do. */
    static final class Caller {
        static void hand(Executor executor) {
            executor.execute(() -> { });
        }
    }

    private final ExecutorImplementors implementors = new ExecutorImplementors();

    private byte[] transform(String name, byte[] classfile) {
        return implementors.transform(null, ExecutorImplementorsTest.class.getClassLoader(), name.replace('.', '/'), null,
                null, classfile);
    }

    private static byte[] bytes(DynamicType.Builder<?> builder) {
        return builder.make().getBytes();
    }

    private static DynamicType.Builder<?> withExecute(DynamicType.Builder<?> builder) {
        return builder.defineMethod("execute", void.class, Visibility.PUBLIC).withParameters(Runnable.class)
                .intercept(StubMethod.INSTANCE);
    }

    @Test
    void anExecutorDeclaringExecuteIsTransformedDirectlyOrThroughItsSuperclass() throws Exception {
        assertTrue(ExecutorImplementors.declaresExecute(QueueingExecutor.class
                .getResourceAsStream("ExecutorImplementorsTest$QueueingExecutor.class").readAllBytes()));
        String direct = "org.example.lib.DirectExecutor";
        String sub = "org.example.lib.SubExecutor";
        assertNotNull(transform(direct, bytes(withExecute(new ByteBuddy().subclass(Object.class).implement(Executor.class).name(direct)))));
        assertNotNull(transform(sub, bytes(withExecute(new ByteBuddy().subclass(QueueingExecutor.class).name(sub)))));
        assertEquals(Set.of(direct, sub), implementors.transformed());
        assertEquals(java.util.Map.of(), implementors.errors());
    }

    @Test
    void aClassThatOnlyCallsExecuteOrIsNoExecutorIsLeftAlone() throws Exception {
        String notExecutor = "org.example.lib.Runner";
        assertNull(transform(notExecutor, bytes(withExecute(new ByteBuddy().subclass(Object.class).name(notExecutor)))));
        String caller = Caller.class.getName();
        byte[] callerBytes = Caller.class.getResourceAsStream("ExecutorImplementorsTest$Caller.class").readAllBytes();
        assertFalse(ExecutorImplementors.declaresExecute(callerBytes), "the caller names execute(Runnable) but declares none");
        assertNull(transform(caller, callerBytes));
        String staticOne = "org.example.lib.StaticExecute";
        assertFalse(ExecutorImplementors.declaresExecute(bytes(new ByteBuddy().subclass(Object.class)
                .name(staticOne).defineMethod("execute", void.class, Visibility.PUBLIC, net.bytebuddy.description.modifier.Ownership.STATIC)
                .withParameters(Runnable.class).intercept(StubMethod.INSTANCE))), "a static execute(Runnable) is no executor's");
        String plain = "org.example.lib.Plain";
        byte[] plainBytes = bytes(new ByteBuddy().subclass(Object.class).name(plain).defineMethod("run", void.class,
                Visibility.PUBLIC).intercept(StubMethod.INSTANCE));
        assertFalse(ExecutorImplementors.declaresExecute(plainBytes));
        assertEquals(Set.of(), implementors.transformed());
    }

    @Test
    void excludedPackagesAndInterfacesAreNotLookedAt() {
        for (String name : new String[] {"kotlinx.coroutines.scheduling.CoroutineScheduler", "io.netty.util.concurrent.GlobalEventExecutor",
                "io.vertx.core.impl.WorkerExecutor",
                "io.grpc.netty.shaded.io.netty.util.concurrent.ThreadPerTaskExecutor", "org.eclipse.jetty.util.thread.QueuedThreadPool"}) {
            assertNull(transform(name, bytes(withExecute(new ByteBuddy().subclass(Object.class).implement(Executor.class).name(name)))), name);
        }
        String iface = "org.example.lib.MyExecutor";
        assertFalse(ExecutorImplementors.declaresExecute(bytes(new ByteBuddy().makeInterface(Executor.class).name(iface)
                .defineMethod("execute", void.class, Visibility.PUBLIC).withParameters(Runnable.class).intercept(StubMethod.INSTANCE))));
        assertEquals(Set.of(), implementors.transformed());
    }
}
