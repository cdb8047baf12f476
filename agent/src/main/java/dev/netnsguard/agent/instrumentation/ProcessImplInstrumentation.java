package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;

import java.util.List;
import java.util.Set;

/**
 * {@code java.lang.ProcessImpl.start}, behind every {@code ProcessBuilder.start} and {@code Runtime.exec} (17 and
 * 25 alike). On 25 the JVM has loaded it before premain (reading the environment), so it is retransformed at
 * install: a plain entry call ({@link GuardTransformer#callOnEntry}) keeps ByteBuddy's advice compiler off that
 * path. The check throws in strict mode, as it must: nothing catches it.
 */
final class ProcessImplInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.lang.ProcessImpl";
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.callOnEntry(type(), "start", Set.of("([Ljava/lang/String;Ljava/util/Map;Ljava/lang/String;"
                + "[Ljava/lang/ProcessBuilder$Redirect;Z)Ljava/lang/Process;"), GuardBridge.class, "processStart",
                "(Ljava/lang/Object;)V");
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("process start", "`ProcessImpl.start(String[], Map, String, Redirect[], boolean)`"));
    }
}
