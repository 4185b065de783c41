package io.asyncinvoke.simulator;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Dispatcher} that answers the answers it was given, one per request in arrival order, and
 * then every request as {@link #otherwise} says (by default a 500 saying nothing was scripted).
 * More answers can be queued while the simulator runs. Thread-safe.
 *
 * <pre>{@code
 * Script script = Script.of(Answer.json(503, "{}"), Answer.json(200, job("QUEUED")))
 *         .otherwise(Answer.json(200, job("COMPLETED")));
 * try (Simulator server = Simulator.builder().dispatcher(script).start()) {
 *     // the client's first request gets the 503, its second the QUEUED job, all others the COMPLETED one
 * }
 * }</pre>
 */
public final class Script implements Dispatcher {

    private static final Answer UNSCRIPTED =
            Answer.json(500, "{\"id\":\"unscripted\",\"message\":\"no answer scripted\"}");

    private final ConcurrentLinkedQueue<Answer> queue = new ConcurrentLinkedQueue<>();
    private volatile Dispatcher otherwise = request -> UNSCRIPTED;

    private Script() {
    }

    /** A script answering {@code answers} in turn (none: at once what {@link #otherwise} says). */
    public static Script of(Answer... answers) {
        return new Script().then(answers);
    }

    /** Queues {@code answers} after those not given yet. */
    public Script then(Answer... answers) {
        for (Answer answer : List.of(answers)) {
            queue.add(Objects.requireNonNull(answer, "answer"));
        }
        return this;
    }

    /** Answers {@code answer} once the queue is empty. */
    public Script otherwise(Answer answer) {
        Objects.requireNonNull(answer, "answer");
        return otherwise(request -> answer);
    }

    /** Asks {@code fallback} once the queue is empty. */
    public Script otherwise(Dispatcher fallback) {
        this.otherwise = Objects.requireNonNull(fallback, "fallback");
        return this;
    }

    /** How many queued answers are still to be given. */
    public int remaining() {
        return queue.size();
    }

    @Override
    public Answer dispatch(RecordedRequest request) {
        Answer next = queue.poll();
        return next != null ? next : otherwise.dispatch(request);
    }
}
