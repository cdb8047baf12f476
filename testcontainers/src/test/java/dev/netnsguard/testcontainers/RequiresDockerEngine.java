package dev.netnsguard.testcontainers;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the annotated test class only where a Docker engine answers, this JVM may enter other
 * processes' network namespaces, and a static busybox is there to build the test image from.
 * Elsewhere (a developer machine without Docker) the tests are skipped with a message that says how
 * to run them; with {@code CI=true} they fail instead, so that CI proves they ran.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDockerEngine.Check.class)
@interface RequiresDockerEngine {

    /** Where the test image's busybox comes from (Debian's busybox-static). */
    Path BUSYBOX = Path.of(System.getenv().getOrDefault("NETNS_GUARD_BUSYBOX", "/bin/busybox"));

    String HOW_TO_RUN = "To run them (as root, on Linux): source .ci/docker.sh && docker_start && "
            + "mvn -B verify -pl testcontainers; docker_stop   (docker_start installs Debian's docker.io and "
            + "busybox-static if missing and starts a private engine with no bridge and no iptables rules; "
            + "it exports DOCKER_HOST and TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE, "
            + "TESTCONTAINERS_CHECKS_DISABLE)";

    final class Check implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("checked for the whole class");
            }
            List<String> missing = new ArrayList<>();
            if (!hasCapSysAdmin()) {
                missing.add("this JVM lacks CAP_SYS_ADMIN (run as root) to enter a container's network namespace");
            }
            String busybox = staticBusybox();
            if (busybox != null) {
                missing.add(busybox);
            }
            if (missing.isEmpty() && !engineAnswers()) {
                missing.add("no Docker engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + ")");
            }
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("a Docker engine answers and this JVM may enter namespaces");
            }
            String message = "Container tests of " + context.getDisplayName() + ": " + String.join("; ", missing)
                    + ". " + HOW_TO_RUN;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true, so the container tests must run, but: " + message);
            }
            // Surefire does not print why a test was skipped: say it in the build log.
            System.err.println("[netns-guard] SKIPPED: " + message);
            return ConditionEvaluationResult.disabled("SKIPPED. " + message);
        }

        private static boolean engineAnswers() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** CapEff of this process, bit 21 (CAP_SYS_ADMIN). */
        private static boolean hasCapSysAdmin() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 21)) != 0;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
            return false;
        }

        /** Null if {@link #BUSYBOX} is a static executable (no ELF PT_INTERP header), else what is wrong. */
        private static String staticBusybox() {
            byte[] elf;
            try {
                elf = Files.readAllBytes(BUSYBOX);
            } catch (IOException e) {
                return "there is no busybox at " + BUSYBOX + " (install Debian's busybox-static)";
            }
            ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2) {
                return BUSYBOX + " is not a 64-bit ELF executable";
            }
            long phoff = b.getLong(0x20);
            int phentsize = b.getShort(0x36) & 0xffff;
            int phnum = b.getShort(0x38) & 0xffff;
            for (int i = 0; i < phnum; i++) {
                if (b.getInt((int) phoff + i * phentsize) == 3 /* PT_INTERP */) {
                    return BUSYBOX + " is dynamically linked and cannot run in an image FROM scratch"
                            + " (install Debian's busybox-static, or point NETNS_GUARD_BUSYBOX at a static busybox)";
                }
            }
            return null;
        }
    }
}
