package io.asyncinvoke.client;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.ModelInput;
import io.asyncinvoke.model.Tag;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** Checks of caller input, so that bad input fails with a clear message before any request. */
final class Inputs {

    /** Real ids are UUIDs; anything far longer is a mistake, not an id. */
    static final int MAX_REQUEST_ID_LENGTH = 256;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Inputs() {
    }

    static String requireModelId(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("model_id must not be blank (e.g. \"fal-ai/flux/schnell\")");
        }
        if (hasControlOrWhitespace(modelId)) {
            throw new IllegalArgumentException("model_id must not contain whitespace or control characters");
        }
        return modelId;
    }

    static String requireRequestId(String requestId) {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("request_id must not be blank");
        }
        if (requestId.length() > MAX_REQUEST_ID_LENGTH) {
            throw new IllegalArgumentException("request_id is malformed: " + requestId.length()
                    + " characters, at most " + MAX_REQUEST_ID_LENGTH + " allowed");
        }
        if (hasControlOrWhitespace(requestId)) {
            throw new IllegalArgumentException("request_id is malformed: it contains whitespace or control characters");
        }
        if (hasUnpairedSurrogate(requestId)) {
            // it could not be encoded as UTF-8: it would reach the server as another id
            throw new IllegalArgumentException("request_id is malformed: it is not valid Unicode (unpaired surrogate)");
        }
        if (requestId.equals(".") || requestId.equals("..")) {
            throw new IllegalArgumentException("request_id is malformed: \"" + requestId + "\"");
        }
        return requestId;
    }

    static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    static int atLeastOne(int value, String field) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, was " + value);
        }
        return value;
    }

    static double guidanceScale(double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException("guidance_scale must be a finite number >= 0, was " + value);
        }
        return value;
    }

    static Tag tag(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("tag key must not be blank");
        }
        if (value == null) {
            throw new IllegalArgumentException("tag \"" + key + "\" needs a value");
        }
        return new Tag().key(key).value(value);
    }

    /** Checks a whole request, built by hand or by a builder. */
    static AsyncInvokeRequest requireValid(AsyncInvokeRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        requireModelId(request.getModelId());
        ModelInput input = request.getInput();
        if (input == null) {
            throw new IllegalArgumentException("input is required (e.g. {\"prompt\": \"...\"})");
        }
        positive(input.getNumImages(), "num_images");
        positive(input.getNumInferenceSteps(), "num_inference_steps");
        positive(input.getSecondsTotal(), "seconds_total");
        BigDecimal guidance = input.getGuidanceScale();
        if (guidance != null && guidance.signum() < 0) {
            throw new IllegalArgumentException("guidance_scale must be >= 0, was " + guidance);
        }
        if (request.getTags() != null) {
            for (Tag tag : request.getTags()) {
                if (tag == null) {
                    throw new IllegalArgumentException("tags must not contain null");
                }
                tag(tag.getKey(), tag.getValue());
            }
        }
        return request;
    }

    private static void positive(Integer value, String field) {
        if (value != null) {
            atLeastOne(value, field);
        }
    }

    private static boolean hasUnpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasControlOrWhitespace(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Percent-encodes a value as exactly one path segment: only RFC 3986 unreserved characters
     * stay as they are, so {@code /}, {@code ?}, {@code #} and {@code %} can never change which path
     * the request reaches ({@code .} and {@code ..} alone are refused by {@link #requireRequestId}).
     */
    static String pathSegment(String value) {
        if (isUnreservedAscii(value)) {
            return value; // the usual UUID: nothing to encode, nothing to allocate
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || b == '~' || b == '.';
            if (unreserved && out == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(bytes.length * 3);
                out.append(value, 0, i);
            }
            if (unreserved) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out == null ? value : out.toString();
    }

    private static boolean isUnreservedAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '~' || c == '.';
            if (!unreserved) {
                return false;
            }
        }
        return true;
    }
}
