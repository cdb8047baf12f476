package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which classes the transformer touches: the named ones, and relocated copies of library classes. */
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

    @Test
    void aRelocatableLibraryClassIsMatchedUnderAnyPackagePrefix() {
        GuardTransformer t = new GuardTransformer().adviseRelocatable("org.example.lib.Loop", RecordedTaskRun.class, named("run"));

        assertNotNull(transform(t, "org.example.lib.Loop"));
        assertNotNull(transform(t, "io.grpc.shaded.org.example.lib.Loop"));
        assertNull(transform(t, "shadedorg.example.lib.Loop"), "a prefix ends at a package boundary");
        assertNull(transform(t, "org.example.lib.LoopTwo"));
        assertEquals(java.util.Set.of("org.example.lib.Loop", "io.grpc.shaded.org.example.lib.Loop"), t.transformed());
        assertEquals(java.util.Set.of("org.example.lib.Loop"), t.targets());
        assertEquals(java.util.Map.of(), t.errors());
    }

    @Test
    void aClassAdvisedByNameOnlyIsNotMatchedRelocated() {
        GuardTransformer t = new GuardTransformer().advise("org.example.lib.Loop", RecordedTaskRun.class, named("run"));

        assertNotNull(transform(t, "org.example.lib.Loop"));
        assertNull(transform(t, "io.grpc.shaded.org.example.lib.Loop"));
    }
}
