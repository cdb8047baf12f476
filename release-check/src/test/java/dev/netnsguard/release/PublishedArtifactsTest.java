package dev.netnsguard.release;

import dev.netnsguard.release.Reactor.Module;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code mvn deploy} would publish, checked on the jars {@code mvn verify} just made: for every
 * published module of the reactor a main, a {@code -sources} and a {@code -javadoc} jar that cover
 * its classes, a manifest with its title, version, vendor and module name, one JPMS module layer
 * for all of them, and a BOM that lists exactly the published artifacts.
 */
class PublishedArtifactsTest {
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public (final |abstract |sealed |non-sealed )*(class|interface|enum|record|@interface) (\\w+)");

    private static Reactor reactor;
    private static List<Module> publishedJars;

    @BeforeAll
    static void readTheReactor() throws IOException {
        reactor = Reactor.read();
        publishedJars = reactor.published().stream().filter(m -> m.packaging.equals("jar")).collect(Collectors.toList());
        // The check is only as good as the reactor it reads: these four are what users depend on today.
        assertTrue(publishedJars.stream().map(m -> m.artifactId).collect(Collectors.toSet()).containsAll(Set.of(
                "netns-guard-runtime", "netns-guard-agent", "netns-guard-junit", "netns-guard-testcontainers")),
                "published jar modules: " + publishedJars);
        for (String internal : List.of("netns-guard-demo", "netns-guard-bench", "netns-guard-release-check")) {
            assertFalse(reactor.module(internal).published, internal + " must not be published");
        }
    }

    @Test
    void everyPublishedJarHasSourcesAndJavadocCoveringItsClasses() throws IOException {
        for (Module module : publishedJars) {
            Path main = module.mainJar(reactor.version);
            Path sources = module.classifiedJar(reactor.version, "sources");
            Path javadoc = module.classifiedJar(reactor.version, "javadoc");
            for (Path jar : List.of(main, sources, javadoc)) {
                assertTrue(Files.isRegularFile(jar), module + ": " + jar + " was not built (run mvn verify)");
            }
            Set<String> sourceFiles = entries(sources, ".java");
            Set<String> missingSources = new TreeSet<>();
            for (String classFile : entries(main, ".class")) {
                // Nested classes come from their top-level source; relocated third-party code has none.
                if (!classFile.contains("$") && !classFile.contains("/shaded/") && !classFile.startsWith("META-INF/")
                        // META-INF/ holds classes that are resources: the one the agent defines in a module of its own
                        && !classFile.endsWith("module-info.class")) {
                    String source = classFile.replaceFirst("\\.class$", ".java");
                    if (!sourceFiles.contains(source)) {
                        missingSources.add(source);
                    }
                }
            }
            assertEquals(Set.of(), missingSources, module + ": classes without their source in " + sources);

            Set<String> pages = entries(javadoc, ".html");
            Set<String> undocumented = new TreeSet<>();
            try (JarFile jar = new JarFile(sources.toFile())) {
                for (String source : sourceFiles) {
                    if (source.contains("/internal/")) {
                        continue; // not API: a module's internal packages are neither exported nor documented
                    }
                    String text = new String(jar.getInputStream(jar.getEntry(source)).readAllBytes());
                    Matcher type = PUBLIC_TYPE.matcher(text);
                    if (type.find()) {
                        String page = source.substring(0, source.lastIndexOf('/') + 1) + type.group(3) + ".html";
                        if (!pages.contains(page)) {
                            undocumented.add(page);
                        }
                    }
                }
            }
            assertFalse(sourceFiles.isEmpty(), module + ": empty " + sources);
            assertEquals(Set.of(), undocumented, module + ": public types without a page in " + javadoc);
        }
    }

    @Test
    void manifestsCarryTitleVersionVendorAndModuleName() throws IOException {
        for (Module module : publishedJars) {
            Attributes manifest = manifest(module.mainJar(reactor.version));
            assertEquals(module.name, manifest.getValue("Implementation-Title"), module + " Implementation-Title");
            assertEquals(reactor.version, manifest.getValue("Implementation-Version"), module + " Implementation-Version");
            assertEquals(module.name, manifest.getValue("Specification-Title"), module + " Specification-Title");
            assertNotNull(manifest.getValue("Specification-Version"), module + " Specification-Version");
            String vendor = Reactor.child(reactor.rootPom, "organization").flatMap(o -> Reactor.text(o, "name")).orElseThrow();
            assertEquals(vendor, manifest.getValue("Implementation-Vendor"), module + " Implementation-Vendor");
            assertEquals(vendor, manifest.getValue("Specification-Vendor"), module + " Specification-Vendor");

            // What a JPMS user gets: the module's name as the module system derives it from the jar.
            Set<ModuleReference> found = ModuleFinder.of(module.mainJar(reactor.version)).findAll();
            assertEquals(1, found.size(), module + " is one module");
            ModuleDescriptor descriptor = found.iterator().next().descriptor();
            assertEquals(module.expectedModuleName(), descriptor.name(), module + " module name");
        }
        Attributes agent = manifest(reactor.module("netns-guard-agent").mainJar(reactor.version));
        for (String entry : List.of("Premain-Class", "Agent-Class", "Main-Class", "Can-Retransform-Classes",
                "Can-Redefine-Classes")) {
            assertNotNull(agent.getValue(entry), "the agent jar's manifest lacks " + entry);
        }
    }

    /** All published jars (and JNA, which the runtime needs) in one module layer: no split package, no name clash. */
    @Test
    void thePublishedJarsLoadTogetherAsModules() throws URISyntaxException {
        List<Path> jars = new ArrayList<>();
        for (Module module : publishedJars) {
            jars.add(module.mainJar(reactor.version));
        }
        jars.add(Path.of(com.sun.jna.Native.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        ModuleFinder finder = ModuleFinder.of(jars.toArray(new Path[0]));
        Set<String> roots = publishedJars.stream().map(Module::expectedModuleName).collect(Collectors.toSet());
        Configuration configuration = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), roots);
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
        for (String name : roots) {
            assertTrue(layer.findModule(name).isPresent(), name + " is in the layer");
        }
    }

    @Test
    void theBomListsEveryPublishedArtifactAtTheReactorVersion() throws IOException {
        Module bom = reactor.module("netns-guard-bom");
        assertTrue(bom.published, "the BOM is published");
        assertEquals("pom", bom.packaging);
        assertEquals(reactor.version, Reactor.text(bom.pom, "version").orElseThrow(), "the BOM's version");
        assertFalse(Reactor.child(bom.pom, "parent").isPresent(),
                "an imported BOM brings its parent's dependencyManagement along: it must have none");
        Map<String, String> managed = new TreeMap<>();
        Element dependencies = Reactor.child(Reactor.child(bom.pom, "dependencyManagement").orElseThrow(), "dependencies")
                .orElseThrow();
        for (Element dependency : Reactor.children(dependencies, "dependency")) {
            assertEquals(Reactor.GROUP_ID, Reactor.text(dependency, "groupId").orElseThrow());
            managed.put(Reactor.text(dependency, "artifactId").orElseThrow(),
                    Reactor.text(dependency, "version").orElseThrow());
        }
        Map<String, String> expected = new TreeMap<>();
        for (Module module : reactor.published()) {
            if (module != bom) {
                expected.put(module.artifactId, "${project.version}");
            }
        }
        assertEquals(expected, managed, "bom/pom.xml dependencyManagement");
    }

    /** The agent jar carries ByteBuddy relocated; its pom must not hand the unshaded jars to users as well. */
    @Test
    void whatTheAgentShadesItDoesNotPassOn() throws IOException {
        Module agent = reactor.module("netns-guard-agent");
        Set<String> shaded = new TreeSet<>();
        for (Element plugin : Reactor.children(Reactor.child(Reactor.child(agent.pom, "build").orElseThrow(), "plugins")
                .orElseThrow(), "plugin")) {
            if (Reactor.text(plugin, "artifactId").orElseThrow().equals("maven-shade-plugin")) {
                for (Element include : elements(plugin.getElementsByTagName("include"))) {
                    shaded.add(include.getTextContent().strip());
                }
            }
        }
        assertFalse(shaded.isEmpty(), "the agent shades something");
        for (Element dependency : Reactor.children(Reactor.child(agent.pom, "dependencies").orElseThrow(), "dependency")) {
            String coordinates = Reactor.text(dependency, "groupId").orElseThrow() + ":"
                    + Reactor.text(dependency, "artifactId").orElseThrow();
            if (shaded.contains(coordinates)) {
                assertEquals("true", Reactor.text(dependency, "optional").orElse("false"),
                        coordinates + " is shaded into the agent jar, so its dependency must be optional");
            }
        }
        try (JarFile jar = new JarFile(agent.mainJar(reactor.version).toFile())) {
            assertNotNull(jar.getEntry("dev/netnsguard/agent/shaded/bytebuddy/ByteBuddy.class"),
                    "ByteBuddy is relocated into the agent jar");
        }
    }

    private static List<Element> elements(NodeList nodes) {
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    private static Set<String> entries(Path jarPath, String suffix) throws IOException {
        Set<String> names = new TreeSet<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(suffix)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static Attributes manifest(Path jarPath) throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            assertNotNull(jar.getManifest(), jarPath + " has no manifest");
            return jar.getManifest().getMainAttributes();
        }
    }
}
