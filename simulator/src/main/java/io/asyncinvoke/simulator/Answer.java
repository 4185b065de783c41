package io.asyncinvoke.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link Dispatcher} answers to one request, byte for byte: any status, any headers (in
 * order, a name as often as it is added), any body, sent at once, late, in slow chunks or endlessly;
 * or no answer at all ({@link #hang()}, {@link #reset()}). Immutable: every method returns a new
 * answer. {@code Content-Length} is the body's length unless a header says otherwise (none for an
 * {@linkplain #endless endless} body).
 *
 * <pre>{@code
 * Answer.json(429, "{\"id\":\"too_many_requests\",\"message\":\"slow down\"}").header("Retry-After", 1)
 * Answer.of(302, "text/plain", "moved").header("Location", "ftp://elsewhere/x.png")
 * Answer.json(200, job).trickled(Duration.ofMillis(50), 16)
 * }</pre>
 */
public final class Answer {

    /** How an answer goes out. */
    enum Mode {
        /** Status, headers and body. */
        SEND,
        /** Nothing, until the client gives up or the simulator closes. */
        HANG,
        /** A TCP RST without a byte. */
        RESET,
        /** Status, headers with the whole Content-Length, half the body, then a TCP RST. */
        RESET_MID_BODY,
        /** Status and headers, then the body again and again, forever. */
        ENDLESS,
        /** The answer {@link #later} gives, computed once {@link #delay} has passed. */
        LATER
    }

    private final int status;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final Mode mode;
    private final Duration delay;
    private final Duration perChunk;
    private final int chunkBytes;
    private final Supplier<Answer> later;
    private final Fault fault;

    private Answer(int status, List<Map.Entry<String, String>> headers, byte[] body, Mode mode, Duration delay,
            Duration perChunk, int chunkBytes, Supplier<Answer> later, Fault fault) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.mode = mode;
        this.delay = delay;
        this.perChunk = perChunk;
        this.chunkBytes = chunkBytes;
        this.later = later;
        this.fault = fault;
    }

    private Answer with(List<Map.Entry<String, String>> headers, byte[] body, Mode mode, Duration delay,
            Duration perChunk, int chunkBytes, Fault fault) {
        return new Answer(status, headers, body, mode, delay, perChunk, chunkBytes, later, fault);
    }

    // ------------------------------------------------------------------ answers

    /**
     * {@code status} (100..999) with {@code body}, and {@code Content-Type: contentType} unless
     * {@code contentType} is null.
     */
    public static Answer of(int status, String contentType, byte[] body) {
        return new Answer(httpStatus(status), contentType(contentType), Objects.requireNonNull(body, "body").clone(),
                Mode.SEND, Duration.ZERO, null, 0, null, null);
    }

    /** {@code status} with {@code body} as UTF-8 and {@code Content-Type: contentType}. */
    public static Answer of(int status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code status} with {@code json} as an {@code application/json} body (whether or not it is valid JSON). */
    public static Answer json(int status, String json) {
        return of(status, Json.CONTENT_TYPE, json);
    }

    /** {@code status} with an empty body and no content type. */
    public static Answer status(int status) {
        return of(status, null, new byte[0]);
    }

    /** No answer: the connection stays open until the client gives up or the simulator closes. */
    public static Answer hang() {
        return new Answer(0, List.of(), new byte[0], Mode.HANG, Duration.ZERO, null, 0, null, null);
    }

    /** The connection is reset (TCP RST) without a byte of answer. */
    public static Answer reset() {
        return new Answer(0, List.of(), new byte[0], Mode.RESET, Duration.ZERO, null, 0, null, null);
    }

    /**
     * {@code status} and {@code Content-Type: contentType} without a {@code Content-Length}, then
     * {@code chunk} every {@code every}, forever: a body that only a client's limit, timeout or
     * cancel ends.
     */
    public static Answer endless(int status, String contentType, byte[] chunk, Duration every) {
        if (Objects.requireNonNull(chunk, "chunk").length == 0) {
            throw new IllegalArgumentException("an endless body needs a chunk of at least one byte");
        }
        return new Answer(httpStatus(status), contentType(contentType), chunk.clone(), Mode.ENDLESS, Duration.ZERO,
                positive(every), chunk.length, null, null);
    }

    /** The answer {@code answer} gives once {@code delay} has passed: what it says is decided then, not now. */
    static Answer later(Duration delay, Supplier<Answer> answer) {
        return new Answer(0, List.of(), new byte[0], Mode.LATER, nonNegative(delay), null, 0,
                Objects.requireNonNull(answer, "answer"), null);
    }

    // ------------------------------------------------------------------ variations

    /** This answer with one more header (after any of the same name: a server may send a name twice). */
    public Answer header(String name, Object value) {
        Objects.requireNonNull(name, "name");
        List<Map.Entry<String, String>> all = new ArrayList<>(headers);
        all.add(Map.entry(name, String.valueOf(value)));
        return with(Collections.unmodifiableList(all), body, mode, delay, perChunk, chunkBytes, fault);
    }

    /** This answer with each of {@code more} added as a header. */
    Answer headers(Map<String, String> more) {
        Answer answer = this;
        for (Map.Entry<String, String> header : more.entrySet()) {
            answer = answer.header(header.getKey(), header.getValue());
        }
        return answer;
    }

    /** This answer with another body (same status and headers; {@code Content-Length} follows the new body). */
    public Answer withBody(byte[] newBody) {
        return with(headers, Objects.requireNonNull(newBody, "newBody").clone(), mode, delay, perChunk, chunkBytes,
                fault);
    }

    /** This answer, sent only after {@code delay}. */
    public Answer delayed(Duration delay) {
        return with(headers, body, mode, nonNegative(delay), perChunk, chunkBytes, fault);
    }

    /** This answer's body sent in {@code chunkBytes}-byte chunks, waiting {@code perChunk} before each. */
    public Answer trickled(Duration perChunk, int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes < 1");
        }
        return with(headers, body, sent("trickled"), delay, nonNegative(perChunk), chunkBytes, fault);
    }

    /** This answer's status, headers (with the whole {@code Content-Length}) and half its body, then a TCP RST. */
    public Answer resetMidBody() {
        sent("reset mid-body");
        return with(headers, body, Mode.RESET_MID_BODY, delay, null, 0, fault);
    }

    /** The mode of an answer that sends a status and a body; refuses the others. */
    private Mode sent(String how) {
        if (mode != Mode.SEND) {
            throw new IllegalStateException("only an answer sent at once can be " + how + ", not " + this);
        }
        return mode;
    }

    /** This answer, journaled as caused by {@code fault}. */
    Answer because(Fault fault) {
        return with(headers, body, mode, delay, perChunk, chunkBytes, fault);
    }

    private static int httpStatus(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("an HTTP status is 100..999, not " + status);
        }
        return status;
    }

    private static List<Map.Entry<String, String>> contentType(String contentType) {
        return contentType == null ? List.of() : List.of(Map.entry("content-type", contentType));
    }

    private static Duration nonNegative(Duration d) {
        if (Objects.requireNonNull(d, "duration").isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return d;
    }

    private static Duration positive(Duration d) {
        if (nonNegative(d).isZero()) {
            throw new IllegalArgumentException("an endless body needs a positive pause between chunks");
        }
        return d;
    }

    // ------------------------------------------------------------------ what it holds

    /** The status it answers; 0 when it sends none ({@link #hang()}, {@link #reset()}). */
    public int status() {
        return status;
    }

    /** Its headers in the order they are sent. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** Its body (an endless answer's chunk). */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyBytes() {
        return body;
    }

    Mode mode() {
        return mode;
    }

    Duration delay() {
        return delay;
    }

    /** The pause before each chunk, or null to send the body at once. */
    Duration perChunk() {
        return perChunk;
    }

    int chunkBytes() {
        return chunkBytes;
    }

    Supplier<Answer> later() {
        return later;
    }

    Fault fault() {
        return fault;
    }

    @Override
    public String toString() {
        String how = mode == Mode.SEND ? (perChunk == null ? "" : " trickled " + perChunk + "/" + chunkBytes + "B")
                : " " + mode.name().toLowerCase(Locale.ROOT);
        String late = delay.isZero() ? "" : " after " + delay;
        if (mode == Mode.HANG || mode == Mode.RESET || mode == Mode.LATER) {
            return how.strip() + late;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return status + " " + headers + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text) + how + late;
    }
}
