package dev.netnsguard.agent.instrumentation;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Finds the classes that implement {@code java.util.concurrent.Executor} and declare {@code execute(Runnable)}
 * as they load, and inlines the advice there. Cheap for every other class: excluded packages by name, then
 * one walk over the class file's constant pool and member headers (does it declare a concrete
 * {@code execute(Runnable)}?); only the few classes that do are described and their hierarchy read (as class
 * files through their loader, never loading a class). Nothing is done at install (ByteBuddy is first
 * touched for the first candidate, in {@link Candidate}): classes loaded before the agent are not looked at.
 */
final class ExecutorImplementors implements ClassFileTransformer {
    private static final byte[] EXECUTE = "execute".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RUNNABLE_TO_VOID = "(Ljava/lang/Runnable;)V".getBytes(StandardCharsets.US_ASCII);
    private static final int ACC_STATIC = 0x0008;
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_ABSTRACT = 0x0400;

    /**
     * Not matched: the JDK (its executors are other units' or delegate to them, or start a thread per task,
     * which inherits the scope), the guard itself, Netty (its event loops are a unit's; its
     * thread-per-task executor starts the loops), Vert.x (its executors hand over to Netty's loops and to its
     * own task queue, which are units' of their own), and executors that treat a task by its type and would
     * treat a wrapper differently: Kotlin coroutines' scheduler (its {@code Task}s say whether they block),
     * Scala's and Akka's/Pekko's batching executors ({@code Batchable}), Jetty's pools ({@code Invocable}).
     */
    static final List<String> EXCLUDED = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/", "dev/netnsguard/agent/",
            "io/netty/", "io/vertx/", "kotlinx/coroutines/", "scala/", "akka/", "org/apache/pekko/", "org/eclipse/jetty/");

    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    /** The binary names of the classes transformed so far. */
    Set<String> transformed() {
        return Set.copyOf(transformed);
    }

    /** Why a matched class could not be transformed, by binary name. */
    Map<String, Throwable> errors() {
        return Map.copyOf(errors);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] classfile) {
        if (internalName == null || loader == null || excluded(internalName) || !declaresExecute(classfile)) {
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            byte[] bytes = Candidate.transform(module, loader, name, internalName, redefined, domain, classfile);
            if (bytes != null) {
                transformed.add(name);
            }
            return bytes;
        } catch (Throwable e) {
            errors.put(name, e);
            return null;
        }
    }

    /** A class that passed the cheap checks: described, and advised if it is an executor declaring execute(Runnable). */
    private static final class Candidate {
        static final ElementMatcher<MethodDescription> EXECUTE_METHOD = named("execute").and(takesArguments(1))
                .and(takesArgument(0, Runnable.class)).and(returns(void.class)).and(not(isAbstract())).and(not(isStatic()));

        private Candidate() {}

        static byte[] transform(Module module, ClassLoader loader, String name, String internalName, Class<?> redefined,
                ProtectionDomain domain, byte[] classfile) {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                    ClassFileLocator.ForClassLoader.of(loader));
            TypeDescription type = TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve();
            if (type.isInterface() || type.getDeclaredMethods().filter(EXECUTE_METHOD).isEmpty()
                    || !type.isAssignableTo(Executor.class)) {
                return null;
            }
            return new GuardTransformer().advise(name, ExecutorInstrumentation.Execute.class, EXECUTE_METHOD)
                    .transform(module, loader, internalName, redefined, domain, classfile);
        }
    }

    static boolean excluded(String internalName) {
        for (String prefix : EXCLUDED) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return internalName.contains("/io/netty/"); // relocated Netty: gRPC's io/grpc/netty/shaded/io/netty/
    }

    /**
     * True if the class in {@code b} is no interface and declares a concrete instance method {@code execute} with
     * the descriptor {@code (Ljava/lang/Runnable;)V}. Walks the constant pool's entries (comparing only strings of
     * the right length), then the fields' and methods' headers, skipping their attributes: no object is made.
     */
    static boolean declaresExecute(byte[] b) {
        if (b.length < 10) {
            return false;
        }
        int count = u2(b, 8);
        int p = 10;
        int name = 0;
        int descriptor = 0;
        for (int i = 1; i < count; i++) {
            switch (b[p]) {
                case 1 -> {
                    int length = u2(b, p + 1);
                    if (length == EXECUTE.length && same(b, p + 3, EXECUTE)) {
                        name = i;
                    } else if (length == RUNNABLE_TO_VOID.length && same(b, p + 3, RUNNABLE_TO_VOID)) {
                        descriptor = i;
                    }
                    p += 3 + length;
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> p += 5;
                case 5, 6 -> {
                    p += 9;
                    i++;
                }
                case 7, 8, 16, 19, 20 -> p += 3;
                case 15 -> p += 4;
                default -> {
                    return false; // a constant this walk does not know: leave the class alone
                }
            }
        }
        if (name == 0 || descriptor == 0 || (u2(b, p) & ACC_INTERFACE) != 0) {
            return false;
        }
        p += 6;
        p += 2 + 2 * u2(b, p); // interfaces
        p = skipMembers(b, p); // fields
        int methods = u2(b, p);
        p += 2;
        for (int m = 0; m < methods; m++) {
            int access = u2(b, p);
            if (u2(b, p + 2) == name && u2(b, p + 4) == descriptor && (access & (ACC_ABSTRACT | ACC_STATIC)) == 0) {
                return true;
            }
            p = skipAttributes(b, p + 6);
        }
        return false;
    }

    /** The position after the fields (or methods) table at {@code p}. */
    private static int skipMembers(byte[] b, int p) {
        int members = u2(b, p);
        p += 2;
        for (int m = 0; m < members; m++) {
            p = skipAttributes(b, p + 6);
        }
        return p;
    }

    /** The position after the attributes table at {@code p}. */
    private static int skipAttributes(byte[] b, int p) {
        int attributes = u2(b, p);
        p += 2;
        for (int a = 0; a < attributes; a++) {
            p += 6 + (((b[p + 2] & 0xff) << 24) | ((b[p + 3] & 0xff) << 16) | ((b[p + 4] & 0xff) << 8) | (b[p + 5] & 0xff));
        }
        return p;
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static boolean same(byte[] b, int at, byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (b[at + i] != text[i]) {
                return false;
            }
        }
        return true;
    }
}
