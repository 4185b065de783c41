package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.ModelRequestBuilder;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** What to submit: the model, its input and tags (for {@code run} and {@code submit}). */
final class RequestOptions {

    private static final String INPUT_EXAMPLE = "{\"num_images\": 2}";
    private static final ObjectMapper MAPPER = AsyncInvokeJson.newObjectMapper();
    /** One JSON value and nothing after it; a key given twice is a mistake, not the last one wins. */
    static final ObjectReader INPUT_READER = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    /** Where Jackson's messages name their source: the line and column are given apart. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*\\((?:start marker at )?\\[Source:[^\\]]*\\]\\)|\\s*at \\[Source:.*$");

    @Option(names = "--model", paramLabel = "ID", defaultValue = AsyncInvokeDefaults.IMAGE_MODEL,
            description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "input.prompt (image and audio models).")
    String prompt;

    @Option(names = "--text", paramLabel = "TEXT", description = "input.text (text-to-speech models).")
    String text;

    @Option(names = "--seconds-total", paramLabel = "N", description = "input.seconds_total (audio models).")
    Integer secondsTotal;

    @Option(names = "--input", paramLabel = "JSON",
            description = "A JSON object merged into input; --prompt, --text and --seconds-total win over it.")
    String input;

    // Strings, not a Map: picocli's own message for a value without '=' names its internals.
    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag for the job (repeatable).")
    List<String> tags = new ArrayList<>();

    /**
     * The request these options describe.
     *
     * @throws IllegalArgumentException when they describe no valid request
     */
    AsyncInvokeRequest toRequest() {
        if (prompt == null && text == null && input == null) {
            throw new IllegalArgumentException("give the model some input: --prompt, --text or --input");
        }
        ModelRequestBuilder builder = InvokeRequests.model(model);
        if (input != null) {
            builder.inputs(parseObject(input));
        }
        // set only what was given: a null would remove the field --input set
        if (prompt != null) {
            builder.input("prompt", prompt);
        }
        if (text != null) {
            builder.input("text", text);
        }
        if (secondsTotal != null) {
            builder.input("seconds_total", secondsTotal);
        }
        for (String tag : tags) {
            int equals = tag.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("--tag needs KEY=VALUE, got '" + tag + "'");
            }
            String key = tag.substring(0, equals);
            if (key.isBlank()) {
                throw new IllegalArgumentException("--tag needs KEY=VALUE with a KEY before the '=', got '" + tag + "'");
            }
            builder.tag(key, tag.substring(equals + 1));
        }
        return builder.build();
    }

    /**
     * {@code json} as the fields of an object. Anything else is refused in plain words: another JSON
     * value, or malformed JSON with where it went wrong, never the parser's class names.
     */
    static Map<String, Object> parseObject(String json) {
        JsonNode value;
        try {
            value = INPUT_READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--input is not valid JSON: " + reason(e));
        }
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("--input must be a JSON object, e.g. '" + INPUT_EXAMPLE + "'"
                    + (value == null || value.isMissingNode() ? "" : ", not " + kind(value)));
        }
        return toMap(value);
    }

    /** The fields of the JSON object {@code object}, in order. */
    static Map<String, Object> toMap(JsonNode object) {
        return MAPPER.convertValue(object, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /** What kind of JSON value {@code value} is, in words: {@code an array}, {@code a string}... */
    static String kind(JsonNode value) {
        switch (value.getNodeType()) {
            case ARRAY:
                return "an array";
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case NULL:
                return "null";
            default:
                return "that";
        }
    }

    /** The parser's reason in short, with the line and column, without its internals. */
    static String reason(JsonProcessingException e) {
        String reason;
        if (e instanceof MismatchedInputException && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Trailing token")) {
            reason = "more after the end of the value";
        } else {
            reason = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
            // "... (start marker at [Source: ...; line: 1, column: 1])" and the like
            reason = INTERNALS.matcher(reason).replaceAll("");
            reason = reason.replace("\n", " ").strip();
        }
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            reason += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return reason;
    }
}
