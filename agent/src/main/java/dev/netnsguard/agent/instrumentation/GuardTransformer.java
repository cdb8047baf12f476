package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
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
    private static final class AdviceClasses {
        static final ClassFileLocator LOCATOR = ClassFileLocator.ForClassLoader.of(GuardTransformer.class.getClassLoader());
        static final TypePool POOL = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
                LOCATOR, TypePool.Default.ReaderMode.FAST);
    }
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    /**
     * Instruments the type of {@code unit}, and relocated copies of it if the unit is
     * {@linkplain TypeInstrumentation#relocatable() relocatable}. Only the name is taken now: the unit adds its
     * advice ({@link TypeInstrumentation#apply}) when its type is first transformed, so that an install builds no
     * matcher and compiles no advice for the many targets an application never loads.
     */
    public GuardTransformer register(TypeInstrumentation unit) {
        String internal = unit.type().replace('.', '/');
        target(unit.type()).unit = unit;
        if (unit.relocatable() && !relocatable.contains(internal)) {
            relocatable.add(internal);
        }
        return this;
    }

    /** Inlines {@code advice} into the methods of class {@code className} that {@code methods} matches. */
    public GuardTransformer advise(String className, Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
        Target target = target(className);
        target.advice.add(advice);
        target.methods.add(methods);
        return this;
    }

    /**
     * Makes the methods of class {@code className} named {@code method}, with one of the {@code descriptors},
     * begin with a call of the static method {@code hook} of {@code hookOwner} (descriptor {@code hookDescriptor},
     * one reference parameter), passing the method's first local: the receiver, or a static method's first
     * argument. Written with ASM alone: for the classes a JVM loads before premain ({@code Thread}), which are
     * retransformed at install, this spares a cold JVM ByteBuddy's advice compiler (some 500 classes loaded and
     * interpreted) on its way to {@code main}. Nothing guards the call: a hook that only records must catch
     * its own faults, as advice with {@code suppress = Throwable.class} would.
     */
    public GuardTransformer callOnEntry(String className, String method, Set<String> descriptors, Class<?> hookOwner,
            String hook, String hookDescriptor) {
        target(className).entryCalls.add(new EntryCall(method, Set.copyOf(descriptors),
                hookOwner.getName().replace('.', '/'), hook, hookDescriptor));
        return this;
    }

    private Target target(String className) {
        return byInternalName.computeIfAbsent(className.replace('.', '/'), internal -> new Target());
    }

    /** A call of a static hook at the start of the matching methods. */
    private static final class EntryCall {
        final String method;
        final Set<String> descriptors;
        final String hookOwner;
        final String hook;
        final String hookDescriptor;

        EntryCall(String method, Set<String> descriptors, String hookOwner, String hook, String hookDescriptor) {
            this.method = method;
            this.descriptors = descriptors;
            this.hookOwner = hookOwner;
            this.hook = hook;
            this.hookDescriptor = hookDescriptor;
        }

        boolean matches(String name, String descriptor) {
            return method.equals(name) && descriptors.contains(descriptor);
        }
    }

    /** Inserts a target's entry calls; every other method is copied as it is. */
    private static final class EntryCalls extends ClassVisitor {
        private final List<EntryCall> calls;

        EntryCalls(ClassVisitor next, List<EntryCall> calls) {
            super(OpenedClassReader.ASM_API, next);
            this.calls = calls;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            for (EntryCall call : calls) {
                if (next != null && call.matches(name, descriptor)) {
                    return new MethodVisitor(OpenedClassReader.ASM_API, next) {
                        @Override
                        public void visitCode() {
                            super.visitCode();
                            super.visitVarInsn(Opcodes.ALOAD, 0);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, call.hookOwner, call.hook, call.hookDescriptor, false);
                        }

                        @Override
                        public void visitMaxs(int maxStack, int maxLocals) {
                            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
                        }
                    };
                }
            }
            return next;
        }
    }

    // ---- relocated copies of library classes (shading) ----

    /**
     * Internal names of library classes also matched under a package prefix, as shading plugins make them (gRPC's
     * {@code io/grpc/netty/shaded/io/netty/...}): any class whose internal name is {@code prefix/} followed by
     * one of these. For library classes only: JDK classes are never relocated.
     */
    private final List<String> relocatable = new ArrayList<>();

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

    /**
     * Prepares, ahead of their first load, every target that is a JDK class (each unit's advice compiled): run
     * on a thread of the agent's after install, it takes ByteBuddy's advice compiler off the application's
     * first socket, lookup or process start. Library targets stay lazy: most applications never load them.
     */
    public void prepareJdkTargets() {
        for (Map.Entry<String, Target> e : byInternalName.entrySet()) {
            String internal = e.getKey();
            if (internal.startsWith("java/") || internal.startsWith("sun/") || internal.startsWith("jdk/")) {
                try {
                    e.getValue().compiled(this);
                } catch (Throwable failure) {
                    errors.put(internal.replace('/', '.'), failure);
                }
            }
        }
    }

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
            Compiled compiled = target.compiled(this);
            byte[] bytes = compiled.wrappers.isEmpty() ? callsOnly(compiled, classfile) : advised(compiled, name, loader, classfile);
            transformed.add(name);
            return bytes;
        } catch (Throwable e) {
            errors.put(name, e);
            return null;
        }
    }

    private static byte[] callsOnly(Compiled compiled, byte[] classfile) {
        ClassReader reader = OpenedClassReader.of(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new EntryCalls(writer, compiled.entryCalls), 0);
        return writer.toByteArray();
    }

    private static byte[] advised(Compiled compiled, String name, ClassLoader loader, byte[] classfile) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
        TypeDescription type = pool.describe(name).resolve();
        AsmVisitorWrapper wrapper = new AsmVisitorWrapper.Compound(compiled.wrappers);
        int writerFlags = wrapper.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
        int readerFlags = wrapper.mergeReader(AsmVisitorWrapper.NO_FLAGS);
        ClassReader reader = OpenedClassReader.of(classfile);
        ClassWriter writer = new ClassWriter(reader, writerFlags);
        ClassVisitor sink = compiled.entryCalls.isEmpty() ? writer : new EntryCalls(writer, compiled.entryCalls);
        reader.accept(wrapper.wrap(type, sink, new NoImplementationContext(type, ClassFileVersion.ofClassFile(classfile)),
                pool, type.getDeclaredFields(), type.getDeclaredMethods(), writerFlags, readerFlags), readerFlags);
        return writer.toByteArray();
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
     * What is done to one class, prepared when the class is first transformed: most targets are never loaded
     * by a given application, and their unit then costs nothing at start-up.
     */
    private static final class Target {
        /** The unit that adds this target's advice, until it has (guarded by this). */
        TypeInstrumentation unit;
        final List<Class<?>> advice = new ArrayList<>();
        final List<ElementMatcher<? super MethodDescription>> methods = new ArrayList<>();
        final List<EntryCall> entryCalls = new ArrayList<>();
        private volatile Compiled compiled;

        Compiled compiled(GuardTransformer owner) {
            Compiled done = compiled;
            if (done == null) {
                synchronized (this) {
                    done = compiled;
                    if (done == null) {
                        if (unit != null) {
                            TypeInstrumentation applying = unit;
                            unit = null;
                            applying.apply(owner);
                        }
                        List<AsmVisitorWrapper> wrappers = new ArrayList<>(advice.size());
                        for (int i = 0; i < advice.size(); i++) {
                            wrappers.add(Advice.to(AdviceClasses.POOL.describe(advice.get(i).getName()).resolve(),
                                    AdviceClasses.LOCATOR).on(methods.get(i)));
                        }
                        done = new Compiled(List.copyOf(wrappers), List.copyOf(entryCalls));
                        compiled = done;
                    }
                }
            }
            return done;
        }
    }

    /** A target's advice compiled, and its entry calls. */
    private static final class Compiled {
        final List<AsmVisitorWrapper> wrappers;
        final List<EntryCall> entryCalls;

        Compiled(List<AsmVisitorWrapper> wrappers, List<EntryCall> entryCalls) {
            this.wrappers = wrappers;
            this.entryCalls = entryCalls;
        }
    }
}
