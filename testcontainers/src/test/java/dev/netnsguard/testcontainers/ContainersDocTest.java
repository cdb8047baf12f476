package dev.netnsguard.testcontainers;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/containers.md shows {@link LoopbackServiceExampleTest} as it is: its example block must be
 * that test's source, without the package line, so the guide cannot drift from what runs.
 * (Needs no engine.)
 */
class ContainersDocTest {
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    // The example is fenced "```java LoopbackServiceExampleTest.java": a fence with a file name,
    // so that the demo module's snippet compiler (plain "```java" blocks, runtime classpath only)
    // leaves it to this test, whose classpath has Testcontainers.
    static final Pattern EXAMPLE = Pattern.compile("```java LoopbackServiceExampleTest\\.java\\R(.*?)```", Pattern.DOTALL);

    @Test
    void theGuidesExampleIsTheRealTest() throws IOException {
        String guide = Files.readString(MODULE.resolveSibling("docs").resolve("containers.md"));
        Matcher block = EXAMPLE.matcher(guide);
        assertTrue(block.find(), "docs/containers.md has no ```java LoopbackServiceExampleTest.java block");
        String test = Files.readString(MODULE.resolve(
                "src/test/java/dev/netnsguard/testcontainers/LoopbackServiceExampleTest.java"));
        String withoutPackage = test.replaceFirst("\\Apackage [\\w.]+;\\R\\R", "");
        assertEquals(withoutPackage, block.group(1),
                "docs/containers.md's example differs from LoopbackServiceExampleTest.java: copy the test into the guide");
    }
}
