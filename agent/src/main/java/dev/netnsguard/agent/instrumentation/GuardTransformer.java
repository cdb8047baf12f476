package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inlines advice into the named classes (and relocated copies of library classes), and touches no other class. A plain
 * {@link ClassFileTransformer} around ByteBuddy's {@code decorate} (visitors only: no method,
 * field or initializer is added, so retransformation never changes a class's shape). Lighter at
 * startup than ByteBuddy's AgentBuilder, which generates a transformer class of its own on JDK 9+.
 */
public final class GuardTransformer implements ClassFileTransformer {
    private final Map<String, List<AsmVisitorWrapper>> byInternalName = new LinkedHashMap<>();
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    /** Inlines {@code advice} into the methods of class {@code className} that {@code methods} matches. */
    public GuardTransformer advise(String className, Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        byInternalName.computeIfAbsent(className.replace('.', '/'), k -> new ArrayList<>())
                .add(Advice.to(advice).on(methods));
        return this;
    }

    // ---- relocated copies of library classes (shading) ----

    /** Internal names of library classes also matched under a package prefix, e.g. {@code io/grpc/netty/shaded/}. */
    private final List<String> relocatable = new ArrayList<>();

    /**
     * As {@link #advise}, and also for relocated copies of the class: any class whose internal name is
     * {@code prefix/} followed by {@code className}'s, as shading plugins make them (gRPC's
     * {@code io.grpc.netty.shaded.io.netty...}). For library classes only: JDK classes are never relocated.
     */
    public GuardTransformer adviseRelocatable(String className, Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        String internal = className.replace('.', '/');
        if (!relocatable.contains(internal)) {
            relocatable.add(internal);
        }
        return advise(className, advice, methods);
    }

    /** The advice of the class {@code internalName} is a relocated copy of, or null. */
    private List<AsmVisitorWrapper> relocatedWrappers(String internalName) {
        for (String original : relocatable) {
            int prefix = internalName.length() - original.length();
            if (prefix > 1 && internalName.charAt(prefix - 1) == '/' && internalName.endsWith(original)) {
                return byInternalName.get(original);
            }
        }
        return null;
    }

    // ---- end of relocated copies ----

    /** The binary names of the classes this transformer instruments. */
    public Set<String> targets() {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String internal : byInternalName.keySet()) {
            names.add(internal.replace('/', '.'));
        }
        return names;
    }

    public Set<String> transformed() {
        return Set.copyOf(transformed);
    }

    public Map<String, Throwable> errors() {
        return Map.copyOf(errors);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        if (internalName == null) {
            return null;
        }
        List<AsmVisitorWrapper> wrappers = byInternalName.get(internalName);
        if (wrappers == null && !relocatable.isEmpty()) {
            wrappers = relocatedWrappers(internalName);
        }
        if (wrappers == null) {
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                    loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
            TypeDescription type = TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve();
            DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
            for (AsmVisitorWrapper wrapper : wrappers) {
                builder = builder.visit(wrapper);
            }
            byte[] bytes = builder.make().getBytes();
            transformed.add(name);
            return bytes;
        } catch (Throwable e) {
            errors.put(name, e);
            return null;
        }
    }
}
