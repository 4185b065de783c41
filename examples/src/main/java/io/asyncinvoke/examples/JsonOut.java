package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.asyncinvoke.client.AsyncInvokeJson;
import java.io.PrintStream;

/**
 * What a command prints on stdout: JSON with the API's names, in one of two shapes. Pretty, one
 * object per command ({@code run}, {@code submit}, {@code get}, {@code watch}), so that scripts can
 * pipe it to {@code jq}; or JSON Lines, one compact object per line, for commands that print many
 * (the simulator's address line, a {@code batch} of jobs). Either way DEL, C1 controls and
 * formatting characters are escaped ({@link Terminal.JsonEscapes}), so nothing printed can drive
 * the terminal it is read in, and no key is ever printed ({@link Redaction}). Thread-safe: each
 * value is written whole.
 */
final class JsonOut {

    private static final ObjectWriter COMPACT = AsyncInvokeJson.newObjectMapper().writer()
            .with(new Terminal.JsonEscapes());
    private static final ObjectWriter PRETTY = COMPACT.withDefaultPrettyPrinter();

    private final PrintStream out;
    private final ObjectWriter writer;
    private final Redaction redaction;

    private JsonOut(PrintStream out, ObjectWriter writer, Redaction redaction) {
        this.out = out;
        this.writer = writer;
        this.redaction = redaction;
    }

    /** One pretty-printed object per {@link #write}. */
    static JsonOut pretty(PrintStream out, Redaction redaction) {
        return new JsonOut(out, PRETTY, redaction);
    }

    /** One compact object per line (JSON Lines). */
    static JsonOut lines(PrintStream out, Redaction redaction) {
        return new JsonOut(out, COMPACT, redaction);
    }

    /** The same stream and keys, one compact object per line. */
    JsonOut lines() {
        return new JsonOut(out, COMPACT, redaction);
    }

    /** Writes {@code value} (a job, a map...) and flushes, so that a reader sees it at once. */
    synchronized void write(Object value) {
        String json;
        try {
            json = writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
        out.println(redaction.apply(json));
        out.flush();
    }
}
