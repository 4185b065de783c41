package io.asyncinvoke.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.asyncinvoke.model.AsyncInvokeRequest;

/**
 * A submit's body, checked as the service checks it: the request and its {@code input}, or the
 * message of the 400 that refuses it.
 */
record Submission(AsyncInvokeRequest request, JsonNode input, String refusal) {

    private static Submission refused(String message) {
        return new Submission(null, null, message);
    }

    static Submission read(String body) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return refused("malformed JSON body");
        }
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            return refused("body: must be a JSON object");
        }
        JsonNode modelId = tree.get("model_id");
        if (modelId == null || modelId.isNull()) {
            return refused("model_id: required");
        }
        if (!modelId.isTextual() || modelId.textValue().isBlank()) {
            return refused("model_id: must be a non-blank string");
        }
        JsonNode input = tree.get("input");
        if (input == null || input.isNull()) {
            return refused("input: required");
        }
        if (!input.isObject()) {
            return refused("input: must be an object");
        }
        String badTags = checkTags(tree.get("tags"));
        if (badTags != null) {
            return refused(badTags);
        }
        try {
            return new Submission(Json.MAPPER.treeToValue(tree, AsyncInvokeRequest.class), input, null);
        } catch (MismatchedInputException e) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference ref : e.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            return refused(path + ": wrong type");
        } catch (JsonProcessingException e) {
            return refused("invalid request");
        }
    }

    /** Why {@code tags} is refused, or null when it is absent or an array of {key, value} strings. */
    private static String checkTags(JsonNode tags) {
        if (tags == null || tags.isNull()) {
            return null;
        }
        if (!tags.isArray()) {
            return "tags: must be an array";
        }
        for (int i = 0; i < tags.size(); i++) {
            JsonNode tag = tags.get(i);
            if (!tag.isObject()) {
                return "tags[" + i + "]: must be an object";
            }
            for (String field : new String[] {"key", "value"}) {
                JsonNode v = tag.get(field);
                if (v == null || v.isNull()) {
                    return "tags[" + i + "]." + field + ": required";
                }
                if (!v.isTextual()) {
                    return "tags[" + i + "]." + field + ": must be a string";
                }
            }
        }
        return null;
    }
}
