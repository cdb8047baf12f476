package dev.netnsguard.demo;

import dev.netnsguard.NetNS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo/run.sh} started by a user who is not root, on a machine without sudo: it says what it
 * needs and makes nothing (no build, no namespace).
 */
class RunScriptTest {
    private static final Path RUN_SH = Path.of("run.sh");

    @Test
    void notRootAndNoSudoItSaysSoAndMakesNothing(@TempDir Path tmp) throws IOException, InterruptedException {
        // A copy readable by nobody, wherever the checkout is, and a PATH with what the script's
        // check needs and no sudo, whatever this machine has installed.
        Path dir = Files.createDirectory(tmp.resolve("checkout"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path script = Files.copy(RUN_SH, dir.resolve("run.sh"), StandardCopyOption.COPY_ATTRIBUTES);
        Path bin = Files.createDirectory(tmp.resolve("bin"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("id"), Path.of("/usr/bin/id"));
        List<String> namespacesBefore = NetNS.listNamed();

        ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/bin/bash", script.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        Process run = builder.start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!run.waitFor(60, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new AssertionError("run.sh did not end:\n" + output);
        }

        assertEquals(1, run.exitValue(), output);
        assertTrue(output.contains("must run as root") && output.contains("CAP_SYS_ADMIN")
                && output.contains("no sudo") && output.contains("root shell"), output);
        assertEquals(namespacesBefore, NetNS.listNamed(), "run.sh made namespaces");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of(script), files.collect(Collectors.toSet()), "run.sh made files");
        }
        assertFalse(output.contains("mvn") || output.contains("BUILD"), "run.sh started a build:\n" + output);
    }
}
