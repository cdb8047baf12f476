package dev.netnsguard.release;

import dev.netnsguard.release.Reactor.Module;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds docs/install.md to what the build does: its Maven snippets must be in this module's pom
 * (which consumes the artifacts that way and runs tests under the agent so configured), its Gradle
 * snippets may name only published artifacts at the reactor's version, and its
 * {@code JAVA_TOOL_OPTIONS} value must install the guard in a real JVM.
 */
class InstallDocTest {
    private static final Path INSTALL = Reactor.ROOT.resolve("docs/install.md");
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\R(.*?)```", Pattern.DOTALL);
    private static final Pattern COORDINATES = Pattern.compile("dev\\.netnsguard:([\\w-]+)(?::([\\w.-]+))?");
    private static final Set<String> CHECKED = Set.of("xml", "kotlin", "groovy", "dockerfile", "yaml");
    private static final String DOC_AGENT_JAR = "/opt/netns-guard/netns-guard-agent.jar";
    private static final String DOC_REPORT_FILE = "/var/log/netns-guard/violations.jsonl";

    private static Reactor reactor;
    private static Map<String, List<String>> blocks;

    @BeforeAll
    static void readTheDocument() throws IOException {
        reactor = Reactor.read();
        blocks = new LinkedHashMap<>();
        Matcher block = BLOCK.matcher(Files.readString(INSTALL));
        while (block.find()) {
            blocks.computeIfAbsent(block.group(1), k -> new ArrayList<>()).add(block.group(2));
        }
        assertEquals(CHECKED, blocks.keySet(), "the kinds of code block in docs/install.md, each checked here");
    }

    @Test
    void everyMavenSnippetIsInTheReleaseCheckPom() throws Exception {
        Element pom = Reactor.parse(Path.of("pom.xml"));
        assertEquals(reactor.version, Reactor.property(pom, "netns-guard.version").orElseThrow(),
                "the version release-check/pom.xml (and so docs/install.md) tells users to write");
        for (String snippet : blocks.get("xml")) {
            for (Element element : Reactor.children(parseFragment(snippet), null)) {
                assertTrue(foundIn(element, pom), "docs/install.md shows XML that release-check/pom.xml does not"
                        + " use:\n" + snippet);
            }
        }
    }

    @Test
    void gradleSnippetsNamePublishedArtifactsAtTheReactorVersion() {
        Set<String> published = reactor.published().stream().map(m -> m.artifactId).collect(Collectors.toSet());
        for (String dsl : List.of("kotlin", "groovy")) {
            Set<String> named = new TreeSet<>();
            for (String snippet : blocks.get(dsl)) {
                Matcher coordinates = COORDINATES.matcher(snippet);
                while (coordinates.find()) {
                    String artifact = coordinates.group(1);
                    assertTrue(published.contains(artifact), dsl + " snippet names " + artifact + ", not published");
                    if (coordinates.group(2) != null) {
                        assertEquals(reactor.version, coordinates.group(2), dsl + " snippet's version of " + artifact);
                    }
                    named.add(artifact);
                }
            }
            assertEquals(Set.of("netns-guard-bom", "netns-guard-runtime", "netns-guard-agent", "netns-guard-junit"),
                    named, dsl + " snippet: the BOM, the runtime, the agent and the extension");
        }
    }

    @Test
    void theContainerValueOfJavaToolOptionsInstallsTheGuard(@TempDir Path tmp) throws Exception {
        String dockerfile = valueOf(blocks.get("dockerfile"), Pattern.compile("ENV JAVA_TOOL_OPTIONS=\"([^\"]+)\""));
        String kubernetes = valueOf(blocks.get("yaml"), Pattern.compile(
                "- name: JAVA_TOOL_OPTIONS\\R\\s+value: \"([^\"]+)\""));
        assertEquals(dockerfile, kubernetes, "the Dockerfile and the pod spec set the same JAVA_TOOL_OPTIONS");
        assertTrue(dockerfile.contains(DOC_AGENT_JAR) && dockerfile.contains(DOC_REPORT_FILE), dockerfile);

        Path agentJar = Path.of(System.getProperty("netnsguard.test.agentJar"));
        Path report = tmp.resolve("violations.jsonl");
        String value = dockerfile.replace(DOC_AGENT_JAR, agentJar.toString()).replace(DOC_REPORT_FILE, report.toString());

        String guarded = runGuardStatus(agentJar, value);
        assertTrue(guarded.contains("Picked up JAVA_TOOL_OPTIONS: " + value), guarded);
        assertTrue(guarded.contains("installed=true"), guarded);
        assertTrue(guarded.contains("report-file=" + report) && guarded.contains("log=none"), guarded);
        // The mirror: the same JVM without the variable has no guard, so the variable is what installed it.
        assertTrue(runGuardStatus(agentJar, null).contains("installed=false"));
    }

    private static String runGuardStatus(Path agentJar, String javaToolOptions)
            throws IOException, InterruptedException, URISyntaxException {
        Path classes = Path.of(GuardStatus.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + ":" + agentJar, GuardStatus.class.getName()).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        if (javaToolOptions != null) {
            builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        Process jvm = builder.start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jvm.waitFor(60, TimeUnit.SECONDS)) {
            jvm.destroyForcibly();
            throw new AssertionError("the JVM did not end:\n" + output);
        }
        assertEquals(0, jvm.exitValue(), output);
        return output;
    }

    /** The surefire JVM of this module runs under the argLine of the snippet: the agent is on its command line. */
    @Test
    void thisJvmRunsUnderTheSnippetsArgLine() {
        Path agentJar = Path.of(System.getProperty("netnsguard.test.agentJar"));
        Module agent = reactor.module("netns-guard-agent");
        assertEquals(agent.mainJar(reactor.version).toAbsolutePath().normalize(), agentJar.toAbsolutePath().normalize(),
                "${dev.netnsguard:netns-guard-agent:jar} is the reactor's agent jar");
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(arguments.contains("-javaagent:" + agentJar), "JVM arguments: " + arguments);
    }

    private static String valueOf(List<String> snippets, Pattern pattern) {
        List<String> values = new ArrayList<>();
        for (String snippet : snippets) {
            Matcher m = pattern.matcher(snippet);
            while (m.find()) {
                values.add(m.group(1));
            }
        }
        assertEquals(1, values.size(), pattern + " in " + snippets);
        return values.get(0);
    }

    private static Element parseFragment(String snippet) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setIgnoringComments(true);
        byte[] wrapped = ("<snippet>" + snippet + "</snippet>").getBytes(StandardCharsets.UTF_8);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(wrapped)).getDocumentElement();
    }

    /** True if some element of {@code pom} has {@code snippet}'s name and everything {@code snippet} says. */
    private static boolean foundIn(Element snippet, Element pom) {
        NodeList candidates = pom.getElementsByTagName(snippet.getNodeName());
        for (int i = 0; i < candidates.getLength(); i++) {
            if (covers((Element) candidates.item(i), snippet)) {
                return true;
            }
        }
        return false;
    }

    private static boolean covers(Element real, Element shown) {
        List<Element> shownChildren = Reactor.children(shown, null);
        if (shownChildren.isEmpty()) {
            return Reactor.children(real, null).isEmpty() && real.getTextContent().strip().equals(shown.getTextContent().strip());
        }
        for (Element child : shownChildren) {
            boolean found = false;
            for (Element candidate : Reactor.children(real, child.getNodeName())) {
                if (covers(candidate, child)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
