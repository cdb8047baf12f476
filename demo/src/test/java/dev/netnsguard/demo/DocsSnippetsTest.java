package dev.netnsguard.demo;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles every {@code ```java} block of README.md and docs/ against the project's modules, so the
 * documentation cannot drift from the API.
 *
 * <p>A block that declares a type is compiled as it is. Any other block is a fragment: it is put in
 * the body of a method that may throw anything, in a class with the imports a reader assumes
 * ({@link #IMPORTS}) and fields a fragment may use without declaring them ({@link #FREE_VARIABLES});
 * a fragment's own declarations shadow them.
 *
 * <p>A block fenced with a file name, {@code ```java EchoInsideANamespaceTest.java}, shows a real
 * source file of the build (a test that runs in its own module, with a class path this module does
 * not have): it must be that file, without its package line, word for word.
 */
class DocsSnippetsTest {
    private static final Path ROOT = Path.of(System.getProperty("netnsguard.root", "..")).toAbsolutePath().normalize();
    private static final Pattern BLOCK = Pattern.compile("```java\\R(.*?)```", Pattern.DOTALL);
    private static final Pattern DECLARES_TYPE = Pattern.compile("(?m)^(public |final |abstract )*(class|interface|record|enum) ");

    static final String IMPORTS = String.join("\n",
            "import dev.netnsguard.*;",
            "import dev.netnsguard.netlink.*;",
            "import dev.netnsguard.agent.*;",
            "import java.io.*;",
            "import java.net.*;",
            "import java.nio.*;",
            "import java.nio.channels.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import javax.net.*;",
            "");

    static final String FREE_VARIABLES = String.join("\n",
            "NetNS ns, blue, red, host;",
            "ServerSocketChannel server;",
            "SocketChannel channel;",
            "Netlink nl, netlink;",
            "");

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path document : documents) {
            String text = Files.readString(document);
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                int line = 1 + (int) text.substring(0, block.start()).chars().filter(c -> c == '\n').count();
                String where = ROOT.relativize(document) + ":" + line;
                String code = block.group(1);
                tests.add(DynamicTest.dynamicTest(where, () -> compile(where, code)));
            }
        }
        assertFalse(tests.isEmpty(), "no ```java blocks found under " + ROOT);
        return tests.stream();
    }

    private static final Pattern NAMED_BLOCK = Pattern.compile("```java (\\w+\\.java)\\R(.*?)```", Pattern.DOTALL);

    @TestFactory
    Stream<DynamicTest> everyBlockNamedAfterAFileIsThatFile() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            for (Path document : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher block = NAMED_BLOCK.matcher(Files.readString(document));
                while (block.find()) {
                    String file = block.group(1);
                    String shown = block.group(2);
                    tests.add(DynamicTest.dynamicTest(ROOT.relativize(document) + ": " + file, () -> {
                        Path source = sourceNamed(file);
                        String withoutPackage = Files.readString(source).replaceFirst("\\Apackage [\\w.]+;\\R\\R", "");
                        assertEquals(withoutPackage, shown, ROOT.relativize(document) + " shows " + file
                                + " differently from " + ROOT.relativize(source) + ": copy the file into the document");
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** The one source file of the build named {@code file}. */
    private static Path sourceNamed(String file) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(file))
                    .filter(p -> p.toString().contains("/src/") && !p.toString().contains("/target/")).toList();
            assertEquals(1, found.size(), "expected exactly one source file named " + file + ": " + found);
            return found.get(0);
        }
    }

    private static void compile(String where, String code) {
        String className = "Snippet";
        String source;
        if (DECLARES_TYPE.matcher(code).find()) {
            source = (code.contains("import ") ? "" : IMPORTS) + code;
            Matcher type = Pattern.compile("(class|interface|record|enum) (\\w+)").matcher(code);
            if (type.find()) {
                className = type.group(2);
            }
        } else {
            source = IMPORTS + "class Snippet {\n" + FREE_VARIABLES + "void snippet() throws Throwable {\n" + code + "\n}\n}\n";
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        JavaFileObject file = new Source(className, source);
        Path out;
        try {
            out = Files.createTempDirectory("snippet");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        boolean ok = compiler.getTask(errors, null, null,
                List.of("-classpath", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        "-d", out.toString(), "-proc:none", "-Xlint:none"),
                null, List.of(file)).call();
        assertTrue(ok, "the ```java block at " + where + " does not compile:\n" + errors + "\n--- compiled as:\n" + source);
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
