package dev.netnsguard.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Guards a test class (or a single test method) with {@link NetnsGuardExtension}: a test during which
 * network code ran in the wrong network namespace, on any thread, fails with the guard's report.
 *
 * <pre>{@code
 * @NetnsGuarded
 * class OrderServiceTest { ... }
 *
 * @NetnsGuarded(allow = "com.acme.LegacyPool#connect")
 * class LegacyPoolTest { ... }
 * }</pre>
 *
 * <p>The same as {@code @ExtendWith(NetnsGuardExtension.class)}, plus {@link #allow()} and
 * {@link #installOptions()}. Annotations on a method, its class and enclosing classes add up.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(NetnsGuardExtension.class)
public @interface NetnsGuarded {
    /**
     * Violations whose stack has a frame matching one of these patterns do not fail the test:
     * {@code com.acme.Pool} (a class and its nested classes), {@code com.acme.Pool#open} (a method),
     * {@code com.acme.*} (a prefix); the agent's {@code allow} syntax. They are still counted and
     * logged by the agent; to stop the agent reporting them at all, give it {@code allow=...}.
     *
     * @return the stack-frame patterns whose violations are allowed; none by default
     */
    String[] allow() default {};

    /**
     * Agent options ({@code key=value,...}, as after {@code -javaagent:netns-guard-agent.jar=}) used if
     * this extension installs the guard, that is, if the JVM was not started with {@code -javaagent}
     * and no earlier test class installed it. They are ignored once the guard is installed: the guard
     * is one per JVM. Prefer the {@code -javaagent} arguments or the configuration parameter
     * {@value NetnsGuardExtension#INSTALL_OPTIONS}.
     *
     * @return the agent options for a self-installed guard; none (the agent's defaults) by default
     */
    String installOptions() default "";
}
