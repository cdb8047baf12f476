package dev.netnsguard.agent;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event {@code dev.netnsguard.Violation}, emitted for each violation in report and strict mode. */
@Name("dev.netnsguard.Violation")
@Label("Network Namespace Violation")
@Category({"netns-guard"})
@Description("Network code ran in a different network namespace from the one its scope expects")
@StackTrace(true)
final class ViolationEvent extends Event {
    @Label("Kind")
    String kind;
    @Label("Expected Namespace Inode")
    long expected;
    @Label("Actual Namespace Inode")
    long actual;
    @Label("Expected Namespace Name")
    String expectedName;
    @Label("Actual Namespace Name")
    String actualName;
    @Label("Detail")
    String detail;
    @Label("Virtual Thread")
    boolean virtual;

    static void emit(Violation v) {
        ViolationEvent event = new ViolationEvent();
        if (!event.shouldCommit()) {
            return;
        }
        event.kind = v.kind();
        event.expected = v.expected();
        event.actual = v.actual();
        event.expectedName = v.expectedName();
        event.actualName = v.actualName();
        event.detail = v.detail();
        event.virtual = v.virtual();
        event.commit();
    }
}
