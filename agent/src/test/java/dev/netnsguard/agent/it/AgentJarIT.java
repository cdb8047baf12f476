package dev.netnsguard.agent.it;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built agent jar: self-contained, relocated ByteBuddy, bootstrap part nested, manifest. */
class AgentJarIT {
    @Test
    void jarContents() throws Exception {
        List<String> names = new ArrayList<>();
        byte[] bootstrap;
        Attributes manifest;
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            jar.stream().forEach(e -> names.add(e.getName()));
            try (InputStream in = jar.getInputStream(jar.getEntry("META-INF/netns-guard/bootstrap.jar"))) {
                bootstrap = in.readAllBytes();
            }
            manifest = jar.getManifest().getMainAttributes();
        }
        for (String name : names) {
            assertTrue(name.startsWith("dev/netnsguard/") || name.startsWith("META-INF/") || name.equals("dev/"), name);
            assertTrue(!name.startsWith("net/"), name);
            assertTrue(!name.startsWith("dev/netnsguard/agent/bootstrap/"), "bootstrap classes only nested: " + name);
        }
        assertTrue(names.contains("dev/netnsguard/agent/shaded/bytebuddy/ByteBuddy.class"));
        assertTrue(names.contains("dev/netnsguard/agent/shaded/bytebuddy/agent/ByteBuddyAgent.class"));
        assertTrue(names.contains("dev/netnsguard/agent/AgentMain.class"));
        assertTrue(!names.contains("dev/netnsguard/NetNSViolationError.class"), "only in the bootstrap part");

        List<String> nested = new ArrayList<>();
        byte[] violationError = null;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bootstrap))) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                if (!e.isDirectory()) {
                    nested.add(e.getName());
                }
                if (e.getName().equals("dev/netnsguard/NetNSViolationError.class")) {
                    violationError = in.readAllBytes();
                }
            }
        }
        assertTrue(nested.contains("dev/netnsguard/agent/bootstrap/GuardBridge.class"), nested.toString());
        assertTrue(nested.contains("dev/netnsguard/agent/bootstrap/ViolationKind.class"), nested.toString());
        assertTrue(nested.stream().allMatch(n -> n.startsWith("dev/netnsguard/agent/bootstrap/")
                || n.equals("dev/netnsguard/NetNSViolationError.class") || n.startsWith("META-INF/")), nested.toString());
        assertArrayEquals(runtimeClass("dev/netnsguard/NetNSViolationError.class"), violationError,
                "the very class file of the runtime artifact");

        assertEquals("dev.netnsguard.agent.AgentMain", manifest.getValue("Premain-Class"));
        assertEquals("dev.netnsguard.agent.AgentMain", manifest.getValue("Agent-Class"));
        assertEquals("dev.netnsguard.agent.cli.Cli", manifest.getValue("Main-Class"));
        assertEquals("true", manifest.getValue("Can-Retransform-Classes"));
        assertEquals("true", manifest.getValue("Can-Redefine-Classes"));
    }

    static byte[] runtimeClass(String entry) throws Exception {
        for (String cp : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(cp);
            if (cp.contains("netns-guard-runtime") && Files.isRegularFile(p)) {
                try (ZipFile zip = new ZipFile(p.toFile()); InputStream in = zip.getInputStream(zip.getEntry(entry))) {
                    return in.readAllBytes();
                }
            }
            if (Files.isDirectory(p) && Files.exists(p.resolve(entry)) && cp.contains("runtime")) {
                return Files.readAllBytes(p.resolve(entry));
            }
        }
        throw new AssertionError("runtime not on the test class path: " + Arrays.toString(
                System.getProperty("java.class.path").split(File.pathSeparator)));
    }
}
