package dev.netnsguard.clients;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test of a wrong way that the guard catches: {@link GuardReport} then requires the report to
 * have gained at least one violation, and only violations of this kind.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface ExpectedViolation {
    /** The kind, such as {@code SOCKET_IO}. */
    String value();
}
