package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.ModelInput;
import io.asyncinvoke.model.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Common part of the request builders made by {@link InvokeRequests}: the model, arbitrary input
 * fields and tags. Setters check their argument at once; {@link #build()} checks the whole
 * request, so a bad request fails here, before anything is sent.
 *
 * @param <B> the concrete builder, so that chained calls keep their type
 */
public abstract class InvokeRequestBuilder<B extends InvokeRequestBuilder<B>> {

    private final String modelId;
    private final Map<String, Object> input = new LinkedHashMap<>();
    private final List<Tag> tags = new ArrayList<>();

    InvokeRequestBuilder(String modelId) {
        this.modelId = Inputs.requireModelId(modelId);
    }

    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /**
     * Sets any input field by its wire name, e.g. {@code input("image_size", "square_hd")} or
     * {@code input("voice", "Rachel")}: fields vary by model. A {@code null} value removes the field.
     */
    public B input(String field, Object value) {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("input field name must not be blank");
        }
        if (value == null) {
            input.remove(field);
        } else {
            input.put(field, value);
        }
        return self();
    }

    /** Sets several input fields at once (see {@link #input(String, Object)}). */
    public B inputs(Map<String, ?> fields) {
        Objects.requireNonNull(fields, "fields").forEach(this::input);
        return self();
    }

    /** Adds a tag for tracking or categorization; the key must not be blank. */
    public B tag(String key, String value) {
        tags.add(Inputs.tag(key, value));
        return self();
    }

    /** Builds the request, checking it whole. */
    public AsyncInvokeRequest build() {
        ModelInput modelInput;
        try {
            modelInput = AsyncInvokeJson.MAPPER.convertValue(input, ModelInput.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input does not fit the request format: " + e.getMessage(), e);
        }
        AsyncInvokeRequest request = new AsyncInvokeRequest().modelId(modelId).input(modelInput)
                .tags(tags.isEmpty() ? null : new ArrayList<>(tags));
        return Inputs.requireValid(request);
    }
}
