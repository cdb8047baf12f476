package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.GuardBridge;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** {@code java.lang.ProcessImpl.start}, behind every {@code ProcessBuilder.start} and {@code Runtime.exec} (17 and 25 alike). */
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
        t.advise(type(), Start.class, isStatic().and(named("start")).and(takesArguments(5))
                .and(takesArgument(0, String[].class)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(Coverage.both("process start", "`ProcessImpl.start(String[], Map, String, Redirect[], boolean)`"));
    }

    static final class Start {
        private Start() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object command) {
            GuardBridge.processStart(command);
        }
    }
}
