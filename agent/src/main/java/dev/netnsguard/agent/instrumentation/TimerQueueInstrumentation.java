package dev.netnsguard.agent.instrumentation;

import dev.netnsguard.agent.bootstrap.Propagation;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.util.TaskQueue}, the queue of a {@code Timer} (package-private; the same on 17 and 25). The timer
 * thread's {@code mainLoop} calls {@code task.run()} inline, with no method of the JDK's around it; what it calls
 * around it are this queue's: {@code removeMin()} (a one-shot task about to run, or a cancelled one dropped) and
 * {@code rescheduleMin(long)} (a periodic task about to run) take the task at the head, {@code queue[1]}, and
 * install the scope it was scheduled with; {@code isEmpty()}, the loop's next turn, puts the thread's own back. Only
 * the timer thread calls these three.
 */
final class TimerQueueInstrumentation implements TypeInstrumentation {
    @Override
    public String type() {
        return "java.util.TaskQueue";
    }

    @Override
    public boolean propagation() {
        return true;
    }

    @Override
    public void apply(GuardTransformer t) {
        t.advise(type(), TakeHead.class, named("removeMin").and(takesArguments(0)).or(named("rescheduleMin").and(takesArguments(1))))
                .advise(type(), NextTurn.class, named("isEmpty").and(takesArguments(0)));
    }

    @Override
    public List<Coverage> coverage() {
        return List.of(); // a row of TimerInstrumentation
    }

    static final class TakeHead {
        private TakeHead() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("queue") Object[] queue) {
            Propagation.recordedTaskStarts(queue[1]);
        }
    }

    static final class NextTurn {
        private NextTurn() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Propagation.recordedTaskEnds();
        }
    }
}
