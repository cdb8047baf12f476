package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inlines advice into the named classes (and relocated copies of library classes), and touches no
 * other class. A plain {@link ClassFileTransformer} that runs ByteBuddy's advice visitors over ASM's
 * reader and writer, as ByteBuddy's {@code decorate} does (visitors only: no method, field or
 * initializer is added, so retransformation never changes a class's shape), without the type-building
 * machinery around it, which a cold JVM would load and run at premain for nothing. Lighter at startup
 * than ByteBuddy's AgentBuilder, which generates a transformer class of its own on JDK 9+.
 */
public final class GuardTransformer implements ClassFileTransformer {
    private final Map<String, Target> byInternalName = new LinkedHashMap<>();
    /**
     * The advice classes described from their class files, each parsed once: describing a loaded advice
     * class by reflection would load the JDK types of its parameters (ThreadPoolExecutor, ForkJoinWorkerThread)
     * before the transformer is in place, and each would then need retransforming.
     */
    private final ClassFileLocator adviceLocator = ClassFileLocator.ForClassLoader.of(GuardTransformer.class.getClassLoader());
    private final TypePool advicePool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
            adviceLocator, TypePool.Default.ReaderMode.FAST);
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    /** Inlines {@code advice} into the methods of class {@code className} that {@code methods} matches. */
    public GuardTransformer advise(String className, Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        String internal = className.replace('.', '/');
        Target target = byInternalName.get(internal);
        if (target == null) {
            target = new Target();
            byInternalName.put(internal, target);
        }
        target.advice.add(advice);
        target.methods.add(methods);
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
    private Target relocatedTarget(String internalName) {
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
        Target target = byInternalName.get(internalName);
        if (target == null && !relocatable.isEmpty()) {
            target = relocatedTarget(internalName);
        }
        if (target == null) {
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            List<AsmVisitorWrapper> wrappers = target.wrappers(this);
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                    loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
            TypeDescription type = pool.describe(name).resolve();
            AsmVisitorWrapper wrapper = new AsmVisitorWrapper.Compound(wrappers);
            int writerFlags = wrapper.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
            int readerFlags = wrapper.mergeReader(AsmVisitorWrapper.NO_FLAGS);
            ClassReader reader = OpenedClassReader.of(classfile);
            ClassWriter writer = new ClassWriter(reader, writerFlags);
            reader.accept(wrapper.wrap(type, writer, new NoImplementationContext(type, ClassFileVersion.ofClassFile(classfile)),
                    pool, type.getDeclaredFields(), type.getDeclaredMethods(), writerFlags, readerFlags), readerFlags);
            byte[] bytes = writer.toByteArray();
            transformed.add(name);
            return bytes;
        } catch (Throwable e) {
            errors.put(name, e);
            return null;
        }
    }

    /**
     * Advice inlined into existing methods adds no method, field or initializer: the context that
     * refuses to (what {@code ByteBuddy.with(Implementation.Context.Disabled.Factory.INSTANCE)} makes).
     */
    private static final class NoImplementationContext extends Implementation.Context.Disabled {
        NoImplementationContext(TypeDescription type, ClassFileVersion version) {
            super(type, version, Implementation.Context.FrameGeneration.GENERATE);
        }
    }

    /**
     * The advice of one class, compiled when the class is first transformed: most targets are never
     * loaded by a given application, and their advice then costs nothing at start-up.
     */
    private static final class Target {
        final List<Class<?>> advice = new ArrayList<>();
        final List<ElementMatcher<? super MethodDescription>> methods = new ArrayList<>();
        private volatile List<AsmVisitorWrapper> wrappers;

        List<AsmVisitorWrapper> wrappers(GuardTransformer owner) {
            List<AsmVisitorWrapper> compiled = wrappers;
            if (compiled == null) {
                synchronized (this) {
                    compiled = wrappers;
                    if (compiled == null) {
                        compiled = new ArrayList<>(advice.size());
                        for (int i = 0; i < advice.size(); i++) {
                            compiled.add(Advice.to(owner.advicePool.describe(advice.get(i).getName()).resolve(), owner.adviceLocator).on(methods.get(i)));
                        }
                        wrappers = compiled;
                    }
                }
            }
            return compiled;
        }
    }
}
