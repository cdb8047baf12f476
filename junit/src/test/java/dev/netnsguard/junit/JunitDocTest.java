package dev.netnsguard.junit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/junit.md shows {@link EchoInsideANamespaceTest} as it is (without its package line), so the
 * guide cannot drift from a test that runs, guarded, in this build. The block is fenced
 * {@code ```java EchoInsideANamespaceTest.java}: the demo module's snippet compiler (plain
 * {@code ```java} blocks, without this module on its class path) leaves it to this test.
 */
class JunitDocTest {
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Pattern EXAMPLE = Pattern.compile("```java EchoInsideANamespaceTest\\.java\\R(.*?)```", Pattern.DOTALL);

    @Test
    void theGuidesExampleIsTheRealTest() throws IOException {
        String guide = Files.readString(MODULE.resolveSibling("docs").resolve("junit.md"));
        Matcher block = EXAMPLE.matcher(guide);
        assertTrue(block.find(), "docs/junit.md has no ```java EchoInsideANamespaceTest.java block");
        String test = Files.readString(MODULE.resolve("src/test/java/dev/netnsguard/junit/EchoInsideANamespaceTest.java"));
        String withoutPackage = test.replaceFirst("\\Apackage [\\w.]+;\\R\\R", "");
        assertEquals(withoutPackage, block.group(1),
                "docs/junit.md's example differs from EchoInsideANamespaceTest.java: copy the test into the guide");
    }
}
