package dev.netnsguard.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The bootstrap part of the agent (the bridge the inlined advice calls, and NetNSViolationError)
 * ships as a nested jar, {@value #ENTRY}, and is defined in the bootstrap class loader at install,
 * so JDK classes can call it and every class loader resolves the same classes (parent first).
 *
 * <p>The classes are defined with {@code jdk.internal.misc.Unsafe.defineClass(..., null, null)}
 * (after the agent exported {@code jdk.internal.misc} to itself with {@code Instrumentation.redefineModule})
 * rather than by {@code appendToBootstrapClassLoaderSearch}: appending to the boot class path makes
 * HotSpot print "Sharing is only supported for boot loader classes because bootstrap classpath has
 * been appended" whenever CDS is on, which is the default. Appending stays the fallback.
 */
final class BootstrapJar {
    static final String ENTRY = "META-INF/netns-guard/bootstrap.jar";
    static final String DIGEST = ENTRY + ".sha256";
    static final String BRIDGE = "dev.netnsguard.agent.bootstrap.GuardBridge";

    private BootstrapJar() {}

    /**
     * Defines the bootstrap part unless the JVM has one, then makes sure it is this agent's: a part
     * defined by another agent version stays for the life of the JVM, and this agent's code would run
     * over it.
     *
     * @throws IllegalStateException naming both versions if the JVM's bootstrap part is another agent's
     */
    static synchronized void append(Instrumentation inst) throws IOException {
        String identity = identity();
        if (!onBootstrapPath()) {
            define(inst, resource(ENTRY));
        }
        String existing = originOfBootstrapPart(identity);
        if (!identity.equals(existing)) {
            throw new IllegalStateException("this JVM already has the bootstrap part of " + existing
                    + ", and this agent is " + identity + "; the bootstrap part is defined once per JVM, so"
                    + " restart the JVM with this agent to use it");
        }
    }

    /**
     * {@code netns-guard agent 0.1.0 (bootstrap 3f2a...)}: the agent's version and the SHA-256 of its
     * bootstrap part, {@value #DIGEST}, which the build takes.
     */
    static String identity() throws IOException {
        String version = AgentMain.class.getPackage().getImplementationVersion();
        String digest = new String(resource(DIGEST), java.nio.charset.StandardCharsets.US_ASCII).strip();
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalStateException("the agent jar's " + DIGEST + " is not a SHA-256 digest: " + digest);
        }
        return "netns-guard agent " + (version == null ? "(unversioned)" : version) + " (bootstrap "
                + digest.substring(0, 12) + ")";
    }

    /** The identity the JVM's bootstrap part was stamped with (stamping it with {@code identity} if it has none). */
    private static String originOfBootstrapPart(String identity) {
        try {
            return (String) Class.forName(BRIDGE, false, null).getMethod("origin", String.class).invoke(null, identity);
        } catch (NoSuchMethodException olderAgent) {
            return "an older netns-guard agent (its bridge has no origin)";
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the bootstrap part which agent defined it: " + e, e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AgentMain.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the agent jar has no " + name + "; use the packaged netns-guard-agent.jar");
            }
            return in.readAllBytes();
        }
    }

    private static void define(Instrumentation inst, byte[] nested) throws IOException {
        List<byte[]> classes = new ArrayList<>();
        try (JarInputStream jar = new JarInputStream(new java.io.ByteArrayInputStream(nested))) {
            JarEntry entry;
            while ((entry = jar.getNextJarEntry()) != null) {
                if (entry.getName().endsWith(".class")) {
                    classes.add(jar.readAllBytes());
                }
            }
        }
        try {
            defineInBootLoader(inst, classes);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            appendToBootPath(inst, nested);
        }
        if (!onBootstrapPath()) {
            throw new IllegalStateException("the bootstrap part is not visible to the bootstrap class loader");
        }
    }

    private static void defineInBootLoader(Instrumentation inst, List<byte[]> classes) throws ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(AgentMain.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        // A class whose superclass or interface is not defined yet fails with NoClassDefFoundError
        // (the jar is in name order, so Outer$Sub may come before Outer$Super): define it in a later pass.
        List<byte[]> pending = new ArrayList<>(classes);
        while (!pending.isEmpty()) {
            List<byte[]> later = new ArrayList<>();
            java.lang.reflect.InvocationTargetException lastFailure = null;
            for (byte[] bytes : pending) {
                try {
                    define.invoke(unsafe, null, bytes, 0, bytes.length, null, null);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (!(e.getCause() instanceof NoClassDefFoundError)) {
                        throw e;
                    }
                    later.add(bytes);
                    lastFailure = e;
                }
            }
            if (later.size() == pending.size()) {
                throw lastFailure; // no progress
            }
            pending = later;
        }
    }

    private static void appendToBootPath(Instrumentation inst, byte[] nested) throws IOException {
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("netns-guard-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        java.nio.file.Files.write(jar, nested);
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    /** True if the bootstrap class loader has the bridge. */
    static boolean onBootstrapPath() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
