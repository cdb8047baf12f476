package dev.netnsguard.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The build as its poms declare it: the root pom's modules, and for each its artifact, packaging and
 * whether it is published. The checks derive what must exist from here, so a new module is checked
 * without anyone adding it to a list.
 */
final class Reactor {
    /** The checkout's root: the parent of this module's directory, where Surefire runs. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String GROUP_ID = "dev.netnsguard";

    /** One module of the reactor. */
    static final class Module {
        final Path dir;
        final Element pom;
        final String artifactId;
        final String packaging;
        final String name;
        final boolean published;

        Module(Path dir, Element pom) {
            this.dir = dir;
            this.pom = pom;
            this.artifactId = text(pom, "artifactId").orElseThrow();
            this.packaging = text(pom, "packaging").orElse("jar");
            this.name = text(pom, "name").orElseThrow(() -> new AssertionError(dir + "/pom.xml has no <name>"));
            this.published = !property(pom, "netnsguard.unpublished").map(Boolean::parseBoolean).orElse(false);
        }

        /** The JPMS name a published jar must carry: {@code dev.netnsguard.<artifact without netns-guard->}. */
        String expectedModuleName() {
            return GROUP_ID + "." + artifactId.replaceFirst("^netns-guard-", "");
        }

        /** The main jar the build makes: {@code <finalName>.jar} or {@code <artifactId>-<version>.jar}. */
        Path mainJar(String version) {
            return dir.resolve("target").resolve(baseName(version) + ".jar");
        }

        Path classifiedJar(String version, String classifier) {
            return dir.resolve("target").resolve(baseName(version) + "-" + classifier + ".jar");
        }

        private String baseName(String version) {
            return child(pom, "build").flatMap(build -> text(build, "finalName")).orElse(artifactId + "-" + version);
        }

        @Override
        public String toString() {
            return artifactId;
        }
    }

    final Element rootPom;
    final String version;
    final List<Module> modules = new ArrayList<>();

    private Reactor() throws IOException {
        rootPom = parse(ROOT.resolve("pom.xml"));
        version = text(rootPom, "version").orElseThrow();
        for (Element module : children(child(rootPom, "modules").orElseThrow(), "module")) {
            Path dir = ROOT.resolve(module.getTextContent().strip());
            modules.add(new Module(dir, parse(dir.resolve("pom.xml"))));
        }
    }

    static Reactor read() throws IOException {
        return new Reactor();
    }

    /** Every module a release publishes, the BOM included. */
    List<Module> published() {
        List<Module> published = new ArrayList<>();
        for (Module module : modules) {
            if (module.published) {
                published.add(module);
            }
        }
        return published;
    }

    Module module(String artifactId) {
        return modules.stream().filter(m -> m.artifactId.equals(artifactId)).findFirst()
                .orElseThrow(() -> new AssertionError("no module " + artifactId + " in the reactor: " + modules));
    }

    static Element parse(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setIgnoringComments(true);
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            return document.getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new AssertionError("cannot parse " + file, e);
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    static Optional<Element> child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && (name == null || node.getNodeName().equals(name))) {
                found.add((Element) node);
            }
        }
        return found;
    }

    static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip());
    }

    static Optional<String> property(Element pom, String name) {
        return child(pom, "properties").flatMap(properties -> text(properties, name));
    }
}
