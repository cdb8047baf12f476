package dev.netnsguard.agent;

import dev.netnsguard.agent.bootstrap.SocketNamespace;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Loads the agent's JNI library, which asks the kernel which namespace a socket lives in, and hands it
 * to the bridge as a {@link SocketNamespace}. The library's class is defined in a module of its own, in
 * a layer of its own, whose native access the agent enables (JDK 22+): the JVM then prints no
 * native-access warning and the application's modules gain nothing. Built for the architecture of the
 * machine that built the agent; on another one, or if loading fails, the bridge reads the creating
 * thread's namespace from /proc instead (exact too, only slower).
 *
 * <p>A socket's namespace is its {@code SO_NETNS_COOKIE} (one system call), mapped to the namespace's
 * inode by asking {@code SIOCGSKNS} once per namespace; kernels before 5.14, without the cookie, ask
 * {@code SIOCGSKNS} every time.
 */
final class SocketNamespaceService implements SocketNamespace {
    private static final String CLASS = "dev/netnsguard/agent/sockets/SocketNamespaces.class";
    private static final String ENTRY = "META-INF/netns-guard/sockets/";
    private static final int MAX_NAMESPACES = 4096;
    private static final int EBADF = 9;

    /** The library's class, once loaded: what {@link Calls} links to. */
    private static volatile Class<?> natives;

    private final Map<Long, Long> inodeOfCookie = new ConcurrentHashMap<>();
    /**
     * The last cookie asked about and its inode: most sockets are born where the one before was, and this
     * answers them without boxing the cookie for the map. A plain field: a record's fields are final, so a
     * thread that sees an instance sees it whole, and one that sees an older one only misses.
     */
    private Known last = new Known(0, 0);

    private record Known(long cookie, long inode) {}

    /**
     * The library's functions as constants, so that the JIT compiles each call to a direct call of the native
     * method (through an instance field it would go through the method handle's own linkage: a tenth of what the
     * guard adds to a socket's birth). Initialised at the first call, after {@link #load} set {@link #natives}.
     */
    private static final class Calls {
        static final MethodHandle COOKIE = find("cookie", MethodType.methodType(long.class, int.class));
        static final MethodHandle INODE = find("inode", MethodType.methodType(long.class, int.class));
        static final MethodHandle CLOSE = find("close", MethodType.methodType(int.class, int.class));

        private static MethodHandle find(String name, MethodType type) {
            try {
                return MethodHandles.publicLookup().findStatic(natives, name, type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the agent's native part has no " + name + type, e);
            }
        }
    }

    private SocketNamespaceService() {}

    /**
     * Defines the module, loads the library and checks it on a socket of its own.
     *
     * @throws IllegalStateException (with the reason) if this machine cannot have it
     */
    static SocketNamespaceService load(Instrumentation inst) {
        String library = ENTRY + System.getProperty("os.arch") + "/libnetnsguard-sockets.so";
        ClassLoader agentLoader = SocketNamespaceService.class.getClassLoader();
        if (agentLoader.getResource(library) == null) {
            throw new IllegalStateException("the agent has no native part for " + System.getProperty("os.arch"));
        }
        try {
            Module module = defineModule(agentLoader);
            enableNativeAccess(inst, module);
            natives = Class.forName(module.getName() + ".SocketNamespaces", true, module.getClassLoader());
            Path dir = privateDirectory();
            Path file = dir.resolve("libnetnsguard-sockets.so");
            // java.io, not Files.copy: on JDK 25 that goes through Channels, which loads SocketChannelImpl,
            // a class the agent instruments, and premain would compile its advice for nothing.
            try (InputStream in = agentLoader.getResourceAsStream(library);
                    OutputStream out = new FileOutputStream(file.toFile())) {
                in.transferTo(out);
            }
            try {
                natives.getMethod("load", String.class).invoke(null, file.toString());
            } finally {
                Files.deleteIfExists(file); // mapped once loaded
                Files.deleteIfExists(dir);
            }
            SocketNamespaceService service = new SocketNamespaceService();
            service.prove();
            return service;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot load the agent's native part: " + e, e);
        }
    }

    /**
     * A new directory only this user can enter, under java.io.tmpdir. Not {@code Files.createTempDirectory}:
     * its random names come from a SecureRandom, whose first use starts the JVM's security providers
     * (tens of milliseconds of premain); a name of our own is as safe, since the directory must be new.
     * Not the pid in the name either: {@code ProcessHandle} starts a thread pool, a class the agent instruments.
     */
    private static Path privateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = "netns-guard-";
        FileAlreadyExistsException taken = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            try {
                return Files.createDirectory(tmp.resolve(prefix + Long.toHexString(System.nanoTime())),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                taken = e;
            }
        }
        throw taken;
    }

    /** The library answers: asked about no descriptor at all, it says EBADF. */
    private void prove() throws Throwable {
        long answer = (long) Calls.INODE.invokeExact(-1);
        if (answer != -EBADF) {
            throw new IllegalStateException("it answered " + answer + " for fd -1, not -EBADF");
        }
    }

    @Override
    public long inodeOf(int fd) {
        try {
            long c = (long) Calls.COOKIE.invokeExact(fd);
            if (c > 0) {
                Known recent = last;
                if (recent.cookie == c) {
                    return recent.inode;
                }
                Long known = inodeOfCookie.get(c);
                if (known != null) {
                    last = new Known(c, known);
                    return known;
                }
            }
            long i = (long) Calls.INODE.invokeExact(fd);
            if (i <= 0) {
                return 0;
            }
            if (c > 0) {
                if (inodeOfCookie.size() >= MAX_NAMESPACES) {
                    inodeOfCookie.clear();
                }
                inodeOfCookie.put(c, i);
                last = new Known(c, i);
            }
            return i;
        } catch (Throwable e) {
            return 0;
        }
    }

    @Override
    public void close(int fd) {
        try {
            int ignored = (int) Calls.CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // the descriptor leaks; the application got its error either way
        }
    }

    private static Module defineModule(ClassLoader agentLoader) {
        String pkg = "dev.netnsguard.agent.sockets";
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(dev.netnsguard.agent.sockets.SocketNamespaces.MODULE)
                .exports(pkg).packages(Set.of(pkg)).build();
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<InputStream> open(String name) {
                        return name.equals(CLASS) ? Optional.ofNullable(agentLoader.getResourceAsStream(ENTRY
                                + "SocketNamespaces.class")) : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return Stream.of(CLASS);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(descriptor.name()) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(descriptor.name()));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
        return layer.findModule(descriptor.name()).orElseThrow();
    }

    /** JDK 22+: native access for that one module, as {@code --enable-native-access=dev.netnsguard.agent.sockets} would. */
    private static void enableNativeAccess(Instrumentation inst, Module module) throws ReflectiveOperationException {
        if (Runtime.version().feature() < 22) {
            return;
        }
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.access", Set.of(SocketNamespaceService.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> secrets = Class.forName("jdk.internal.access.SharedSecrets");
        Object javaLang = secrets.getMethod("getJavaLangAccess").invoke(null);
        Class.forName("jdk.internal.access.JavaLangAccess").getMethod("addEnableNativeAccess", Module.class)
                .invoke(javaLang, module);
    }
}
