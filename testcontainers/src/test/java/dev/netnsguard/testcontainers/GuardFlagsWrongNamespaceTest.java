package dev.netnsguard.testcontainers;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The guard flags a connection to the container made from the wrong namespace: a JVM started with
 * {@code -javaagent:netns-guard-agent.jar=mode=strict} ({@link WrongNamespaceClient}) connects to the
 * container's loopback server with a socket created in the host's namespace inside the container's
 * {@code call}, and gets a {@code NetNSViolationError} of kind SOCKET_CONNECT; the right way, a socket
 * born in the container's namespace, is not flagged and reaches the server.
 *
 * <p>Needs the agent jar ({@code agent/target/netns-guard-agent.jar}, built by the agent module
 * earlier in the reactor; {@code -Dnetnsguard.agentJar=...} to use another): skipped without it, and
 * failing without it on CI when the agent module is part of the build.
 */
@RequiresDockerEngine
class GuardFlagsWrongNamespaceTest {
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

    static Path agentJar() {
        Path jar = Path.of(System.getProperty("netnsguard.agentJar",
                MODULE.resolveSibling("agent").resolve("target/netns-guard-agent.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            String message = "the guard test needs the agent jar " + jar + ": build it first (mvn -B install -pl agent"
                    + " -DskipTests), or run the whole reactor";
            boolean agentInBuild = Files.isRegularFile(MODULE.resolveSibling("agent").resolve("pom.xml"));
            if ("true".equalsIgnoreCase(System.getenv("CI")) && agentInBuild) {
                fail("CI=true and the agent module is in the build, but " + message);
            }
            System.err.println("[netns-guard] SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return jar;
    }

    @Test
    void aSocketFromTheHostConnectedInsideTheContainersScopeIsFlagged() throws Exception {
        Path agent = agentJar();
        int port = ContainerNetNSTest.portFreeOnTheHost();
        try (GenericContainer<?> container = ContainerNetNSTest.loopbackServer(port);
             ContainerNetNS ns = open(container)) {
            List<String> out = runClient(agent, ns.pid(), port);

            assertTrue(out.contains("CONTAINER " + ns.netNS().inode()), String.join("\n", out));
            String wrong = line(out, "WRONG ");
            assertTrue(wrong.startsWith("WRONG flagged SOCKET_CONNECT "), wrong);
            assertTrue(wrong.contains("net:[" + ns.netNS().inode() + "]"), "names the container's namespace: " + wrong);
            // The right way ran in strict mode too: a violation there would have ended the client with an error.
            assertEquals("RIGHT " + ContainerNetNSTest.PAGE.trim(), line(out, "RIGHT "));
        }
    }

    static ContainerNetNS open(GenericContainer<?> container) {
        container.start();
        return ContainerNetNS.of(container);
    }

    static List<String> runClient(Path agent, long pid, int port) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path output = Files.createTempFile("netns-guard-client", ".out");
        try {
            Process client = new ProcessBuilder(java, "-javaagent:" + agent + "=mode=strict",
                    "-cp", classpath, WrongNamespaceClient.class.getName(), Long.toString(pid), Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!client.waitFor(120, TimeUnit.SECONDS)) {   // a bound, not a timing assertion
                client.destroyForcibly().waitFor();
                fail("the client JVM did not finish:\n" + Files.readString(output));
            }
            List<String> out = Files.readAllLines(output, StandardCharsets.UTF_8);
            assertEquals(0, client.exitValue(), "client JVM failed:\n" + String.join("\n", out));
            return out;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static String line(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n" + String.join("\n", out)));
    }
}
