package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.ModelRequestBuilder;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * The input of {@code batch}: a file (or stdin, spooled to a temporary file so that it can be read
 * twice) of one request per line, read as a stream, never whole. {@link #validate} reads it once,
 * checks every line and hashes the bytes; {@link #lines} reads it again, line by line, as the
 * batch runs. Blank lines and lines starting with {@code #} are skipped; line numbers count every
 * line of the file, so that {@code line N} is where an editor shows it.
 */
final class BatchInput implements AutoCloseable {

    private static final Set<String> FIELDS = Set.of("model_id", "input", "tags");
    private static final String EXAMPLE = "{\"model_id\": \"...\", \"input\": {...}, \"tags\": [...]}";

    /** One request line: its number in the file and its text. */
    record Line(int number, String text) {
    }

    /** What {@link #validate} found: how many requests, the last line's number, and the SHA-256 of the bytes. */
    record Summary(int requests, int lastLine, String sha256) {
    }

    private final String name;
    private final Path path;
    private final boolean spooled;

    private BatchInput(String name, Path path, boolean spooled) {
        this.name = name;
        this.path = path;
        this.spooled = spooled;
    }

    /**
     * {@code file}, or {@code stdin} copied to a temporary file when {@code file} is {@code -}.
     *
     * @throws IllegalArgumentException when the file cannot be read
     */
    static BatchInput open(String file, InputStream stdin) {
        if (file.equals("-")) {
            try {
                Path spool = Files.createTempFile("async-invoke-batch-", ".jsonl");
                spool.toFile().deleteOnExit();
                Files.copy(stdin, spool, StandardCopyOption.REPLACE_EXISTING);
                return new BatchInput("stdin", spool, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read stdin: " + e.getMessage(), e);
            }
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(file + ": " + (Files.exists(path) ? "not a regular file" : "no such file"));
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(file + ": not readable");
        }
        return new BatchInput(file, path, false);
    }

    /** How the input is named in messages: the file as given, or {@code stdin}. */
    String name() {
        return name;
    }

    /**
     * Reads every line and checks it; nothing is kept but a count and a hash.
     *
     * @throws IllegalArgumentException {@code line N: <what is wrong>} for the first bad line
     */
    Summary validate() {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int requests = 0;
        int number = 0;
        try (BufferedReader reader = reader(new DigestInputStream(Files.newInputStream(path), sha256))) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (isRequest(text)) {
                    parse(number, text);
                    requests++;
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("line " + (number + 1) + ": not valid UTF-8");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot be read: " + e.getMessage(), e);
        }
        return new Summary(requests, number, HexFormat.of().formatHex(sha256.digest()));
    }

    /** The request lines, read lazily as they are requested; the file is closed when the flux ends. */
    Flux<Line> lines() {
        return Flux.using(() -> reader(Files.newInputStream(path)), reader -> Flux.generate(
                () -> new int[1],
                (number, sink) -> {
                    try {
                        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                            number[0]++;
                            if (isRequest(text)) {
                                sink.next(new Line(number[0], text));
                                return number;
                            }
                        }
                        sink.complete();
                    } catch (IOException e) {
                        sink.error(new UncheckedIOException(name + ": cannot be read: " + e.getMessage(), e));
                    }
                    return number;
                }), reader -> {
                    try {
                        reader.close();
                    } catch (IOException ignored) {
                        // read-only: nothing is lost
                    }
                });
    }

    private static BufferedReader reader(InputStream in) {
        // malformed UTF-8 is an error, not replacement characters sent as a prompt
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }

    private static boolean isRequest(String text) {
        String trimmed = text.strip();
        return !trimmed.isEmpty() && !trimmed.startsWith("#");
    }

    /**
     * Line {@code number} as the request it describes: {@code {"model_id", "input", "tags"}} as the
     * API takes it, checked as the client checks a request before sending it.
     *
     * @throws IllegalArgumentException {@code line N: <what is wrong>}
     */
    static AsyncInvokeRequest parse(int number, String text) {
        String at = "line " + number + ": ";
        JsonNode value;
        try {
            value = RequestOptions.INPUT_READER.readTree(text);
        } catch (JsonProcessingException e) {
            // one line of JSON: its column is enough
            throw new IllegalArgumentException(at + "not valid JSON: "
                    + RequestOptions.reason(e).replace("(line 1, column ", "(column "));
        }
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException(at + "must be a JSON object, " + EXAMPLE
                    + (value == null || value.isMissingNode() ? "" : ", not " + RequestOptions.kind(value)));
        }
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(at + "unknown field \"" + Terminal.printable(field)
                        + "\" (a line holds model_id, input and tags)");
            }
        }
        JsonNode model = value.get("model_id");
        if (model == null || model.isNull()) {
            throw new IllegalArgumentException(at + "model_id is missing");
        }
        if (!model.isTextual()) {
            throw new IllegalArgumentException(at + "model_id must be a string, not " + RequestOptions.kind(model));
        }
        JsonNode input = value.get("input");
        if (input == null || input.isNull()) {
            throw new IllegalArgumentException(at + "input is missing (a JSON object, e.g. {\"prompt\": \"...\"})");
        }
        if (!input.isObject()) {
            throw new IllegalArgumentException(at + "input must be a JSON object, not " + RequestOptions.kind(input));
        }
        try {
            ModelRequestBuilder builder = InvokeRequests.model(model.asText())
                    .inputs(RequestOptions.toMap(input));
            JsonNode tags = value.get("tags");
            if (tags != null && !tags.isNull()) {
                if (!tags.isArray()) {
                    throw new IllegalArgumentException("tags must be an array of {\"key\": \"...\", \"value\": \"...\"}, not "
                            + RequestOptions.kind(tags));
                }
                int index = 0;
                for (JsonNode tag : tags) {
                    JsonNode key = tag.get("key");
                    JsonNode tagValue = tag.get("value");
                    if (!tag.isObject() || tag.size() != 2 || key == null || !key.isTextual() || tagValue == null
                            || !tagValue.isTextual()) {
                        throw new IllegalArgumentException("tags[" + index + "] must be {\"key\": \"...\", \"value\": \"...\"}"
                                + " with two strings");
                    }
                    builder.tag(key.asText(), tagValue.asText());
                    index++;
                }
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
    }

    /** Removes the spooled copy of stdin. */
    @Override
    public void close() {
        if (spooled) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temporary file, also deleted on exit
            }
        }
    }
}
