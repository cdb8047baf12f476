package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which classes the transformer touches (the named ones, relocated copies of library classes), and when it prepares them. */
class GuardTransformerTest {
    private static byte[] classNamed(String name) {
        return new ByteBuddy().subclass(Object.class).name(name)
                .defineMethod("run", void.class, Visibility.PUBLIC).intercept(StubMethod.INSTANCE)
                .make().getBytes();
    }

    private static byte[] transform(GuardTransformer t, String name) {
        return t.transform(null, GuardTransformerTest.class.getClassLoader(), name.replace('.', '/'), null, null,
                classNamed(name));
    }

    /** A unit of a library class {@code org.example.lib.Loop}, relocatable or not, that counts its applications. */
    private static final class LoopUnit implements TypeInstrumentation {
        final boolean relocatable;
        int applied;

        LoopUnit(boolean relocatable) {
            this.relocatable = relocatable;
        }

        @Override
        public String type() {
            return "org.example.lib.Loop";
        }

        @Override
        public boolean relocatable() {
            return relocatable;
        }

        @Override
        public void apply(GuardTransformer t) {
            applied++;
            t.advise(type(), RecordedTaskRun.class, named("run"));
        }

        @Override
        public List<Coverage> coverage() {
            return List.of();
        }
    }

    @Test
    void aRelocatableLibraryClassIsMatchedUnderAnyPackagePrefix() {
        GuardTransformer t = new GuardTransformer().register(new LoopUnit(true));

        assertNotNull(transform(t, "org.example.lib.Loop"));
        assertNotNull(transform(t, "io.grpc.shaded.org.example.lib.Loop"));
        assertNull(transform(t, "shadedorg.example.lib.Loop"), "a prefix ends at a package boundary");
        assertNull(transform(t, "org.example.lib.LoopTwo"));
        assertEquals(Set.of("org.example.lib.Loop", "io.grpc.shaded.org.example.lib.Loop"), t.transformed());
        assertEquals(Set.of("org.example.lib.Loop"), t.targets());
        assertEquals(Map.of(), t.errors());
    }

    @Test
    void aClassAdvisedByNameOnlyIsNotMatchedRelocated() {
        GuardTransformer t = new GuardTransformer().register(new LoopUnit(false));

        assertNotNull(transform(t, "org.example.lib.Loop"));
        assertNull(transform(t, "io.grpc.shaded.org.example.lib.Loop"));
    }

    @Test
    void aUnitAddsItsAdviceWhenItsTypeIsFirstTransformedAndOnlyOnce() {
        LoopUnit unit = new LoopUnit(true);
        GuardTransformer t = new GuardTransformer().register(unit);
        assertEquals(0, unit.applied, "registering takes the name only");
        assertEquals(Set.of("org.example.lib.Loop"), t.targets());

        assertNotNull(transform(t, "org.example.lib.Loop"));
        assertNotNull(transform(t, "io.grpc.shaded.org.example.lib.Loop"));
        assertEquals(1, unit.applied);
    }

    @Test
    void anEntryCallAloneNeedsNoAdviceAndCallsTheHookWithTheReceiver() throws Exception {
        String name = "org.example.lib.Started";
        GuardTransformer t = new GuardTransformer().callOnEntry(name, "run", Set.of("()V"), EntryHook.class, "entered",
                "(Ljava/lang/Object;)V");
        byte[] bytes = transform(t, name);
        assertNotNull(bytes);
        Class<?> type = new ClassLoader(GuardTransformerTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name, bytes, 0, bytes.length);
            }
        }.define();
        Object instance = type.getConstructor().newInstance();
        type.getMethod("run").invoke(instance);
        assertEquals(List.of(instance), EntryHook.RECEIVERS);
    }

    /** The hook of {@link #anEntryCallAloneNeedsNoAdviceAndCallsTheHookWithTheReceiver}. */
    public static final class EntryHook {
        static final List<Object> RECEIVERS = new java.util.ArrayList<>();

        private EntryHook() {}

        public static void entered(Object receiver) {
            RECEIVERS.add(receiver);
        }
    }
}
