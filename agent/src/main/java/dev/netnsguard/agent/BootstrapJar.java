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
    static final String BRIDGE = "dev.netnsguard.agent.bootstrap.GuardBridge";

    private BootstrapJar() {}

    static synchronized void append(Instrumentation inst) throws IOException {
        if (onBootstrapPath()) {
            return;
        }
        List<byte[]> classes = new ArrayList<>();
        try (InputStream nested = AgentMain.class.getClassLoader().getResourceAsStream(ENTRY)) {
            if (nested == null) {
                throw new IllegalStateException("the agent jar has no " + ENTRY + "; use the packaged netns-guard-agent.jar");
            }
            try (JarInputStream jar = new JarInputStream(nested)) {
                JarEntry entry;
                while ((entry = jar.getNextJarEntry()) != null) {
                    if (entry.getName().endsWith(".class")) {
                        classes.add(jar.readAllBytes());
                    }
                }
            }
        }
        try {
            defineInBootLoader(inst, classes);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            appendToBootPath(inst);
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

    private static void appendToBootPath(Instrumentation inst) throws IOException {
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("netns-guard-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (InputStream in = AgentMain.class.getClassLoader().getResourceAsStream(ENTRY)) {
            java.nio.file.Files.copy(in, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
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
