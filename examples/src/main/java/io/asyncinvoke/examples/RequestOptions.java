package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.ModelRequestBuilder;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** What to submit: the model, its input and tags (for {@code run} and {@code submit}). */
final class RequestOptions {

    static final String DEFAULT_MODEL = "fal-ai/flux/schnell";

    @Option(names = "--model", paramLabel = "ID", defaultValue = DEFAULT_MODEL,
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

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag for the job (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();

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
        tags.forEach(builder::tag);
        return builder.build();
    }

    private static Map<String, Object> parseObject(String json) {
        try {
            Map<String, Object> fields = AsyncInvokeJson.newObjectMapper()
                    .readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
            if (fields == null) {
                throw new IllegalArgumentException("--input must be a JSON object, e.g. '{\"num_images\": 2}'");
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("--input must be a JSON object, e.g. '{\"num_images\": 2}': "
                    + e.getOriginalMessage());
        }
    }
}
