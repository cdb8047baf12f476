package dev.netnsguard.clients;

import dev.netnsguard.agent.NetnsGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requires the guard to be attached in strict mode before each test, and its report file to have
 * gained nothing during the test: no socket, lookup or process of the test, its servers or the
 * client library's own threads was in the wrong namespace. The file is appended to by every test
 * JVM of the build, so each test judges only what was written while it ran. A test of a wrong way the
 * guard catches says which kind it expects ({@link ExpectedViolation}).
 */
final class GuardReport implements BeforeEachCallback, AfterEachCallback {
    private static final Path FILE = Path.of(System.getProperty("clients.guardReportFile", "guard-report.jsonl"));
    private long sizeBefore;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        assertTrue(NetnsGuard.isInstalled(), "the tests must run under the guard (-javaagent, see the pom)");
        assertEquals("strict", NetnsGuard.mode(), "the tests must run under the guard in strict mode");
        sizeBefore = Files.exists(FILE) ? Files.size(FILE) : 0;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        ExpectedViolation expected = context.getRequiredTestMethod().getAnnotation(ExpectedViolation.class);
        long size = Files.exists(FILE) ? Files.size(FILE) : 0;
        if (size == sizeBefore) {
            if (expected != null) {
                throw new AssertionError("the guard reported no " + expected.value() + " during " + context.getDisplayName());
            }
            return;
        }
        String added = String.join("\n", added());
        if (expected != null && added.lines().allMatch(l -> l.startsWith("{\"kind\":\"" + expected.value() + "\""))) {
            return;
        }
        throw new AssertionError("the guard reported violations during " + context.getDisplayName() + ":\n" + added);
    }

    /** The report's lines (one violation each, JSON) written since this test started. */
    List<String> added() throws IOException {
        if (!Files.exists(FILE)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(FILE);
        return new String(all, (int) sizeBefore, all.length - (int) sizeBefore, StandardCharsets.UTF_8).lines().toList();
    }
}
