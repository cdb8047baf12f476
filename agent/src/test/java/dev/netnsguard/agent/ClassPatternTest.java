package dev.netnsguard.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One meaning of a class pattern, for allow and propagate alike. */
class ClassPatternTest {
    @Test
    void aClassNameMatchesTheClassAndItsNestedClasses() {
        ClassPattern pool = ClassPattern.parse("com.acme.Pool");
        assertTrue(pool.matchesClass("com.acme.Pool"));
        assertTrue(pool.matchesClass("com.acme.Pool$Worker"));
        assertFalse(pool.matchesClass("com.acme.PoolManager"));
        assertFalse(pool.matchesClass("com.acme"));
    }

    @Test
    void aTrailingStarIsAPrefix() {
        ClassPattern acme = ClassPattern.parse("com.acme.*");
        assertTrue(acme.matchesClass("com.acme.Pool$Worker"));
        assertFalse(acme.matchesClass("com.acmex.Pool"));
    }

    @Test
    void aMethodNarrowsIt() {
        ClassPattern open = ClassPattern.parse(" com.acme.Pool#open ");
        assertTrue(open.matches("com.acme.Pool$Worker", "open"));
        assertFalse(open.matches("com.acme.Pool", "close"));
        assertEquals("com.acme.Pool#open", open.toString());
    }

    @Test
    void malformedPatternsAreRejected() {
        for (String bad : new String[] {"", "a b", "#open", "com.*#open", "com.acme.Pool#", "a.*.B"}) {
            assertThrows(IllegalArgumentException.class, () -> ClassPattern.parse(bad), bad);
        }
    }
}
