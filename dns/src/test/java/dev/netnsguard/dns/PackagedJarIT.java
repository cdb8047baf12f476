package dev.netnsguard.dns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar: the compile-time stubs of {@code java.net.spi} patched into java.base must never
 * be in it (a jar with {@code java/} classes is refused, or worse, shadows the JDK), and the provider
 * must be registered.
 */
class PackagedJarIT {
    @Test
    void holdsTheModuleOnlyAndRegistersTheProvider() throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target"), "netns-guard-dns-*.jar")) {
            for (Path jar : found) {
                String name = jar.getFileName().toString();
                if (!name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")) {
                    jars.add(jar); // the library itself, not its companions
                }
            }
        }
        assertEquals(1, jars.size(), "one packaged jar expected in target/: " + jars);
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            List<String> foreign = jar.stream().map(e -> e.getName())
                    .filter(n -> !n.endsWith("/") && !n.startsWith("dev/netnsguard/dns/") && !n.startsWith("META-INF/"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign, "entries outside dev/netnsguard/dns/ and META-INF/");
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("java/")), "java/ classes in the jar");
            assertTrue(jar.stream().noneMatch(e -> e.getName().equals("META-INF/jpms.args")), "compiler arguments in the jar");
            var service = jar.getEntry("META-INF/services/java.net.spi.InetAddressResolverProvider");
            assertNotNull(service, "the provider's service file");
            String content = new String(jar.getInputStream(service).readAllBytes()).trim();
            // by name: on JDK 17 the class cannot even be loaded (its superclass does not exist there)
            assertEquals("dev.netnsguard.dns.NetNSResolverProvider", content);
        }
    }
}
