package io.asyncinvoke.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Removes the API key from anything that came back from the network, should a server or proxy
 * echo it (in an error message, a job's error, a status value, an HTML page): every such text may
 * end up in an exception message, a {@code toString()}, a log line or the command line's output.
 *
 * <p>The key is found whole, in the forms a server plausibly echoes it in: as is; with any of its
 * characters escaped as JSON ({@code \u0073}, {@code \/}), percent-encoded ({@code %73}) or as an
 * HTML character reference ({@code &#115;}, {@code &#x73;}); and inside base64 (standard or URL
 * safe) of any text that contains it, such as {@code Bearer <key>}. Never a part of the key: a key
 * is at least {@value AsyncInvokeDefaults#MIN_API_KEY_LENGTH} characters long, so nothing
 * else is mangled.
 *
 * <p>A JSON body is redacted after decoding: every string and field name of its tree, so an
 * escaped echo cannot survive into a decoded value. A body that holds no form of the key (the
 * usual case) costs one scan and no copy.
 */
final class Redactor implements UnaryOperator<String> {

    static final String MASK = AsyncInvokeDefaults.REDACTED;

    /** For a client that holds no key (one on a {@link io.asyncinvoke.client.spi.JobTransport}): nothing to remove. */
    static final Redactor NONE = new Redactor(null);

    private final char[] key;
    /** Whether every character of the key is ASCII, so that a scan of raw UTF-8 bytes sees every form. */
    private final boolean asciiKey;
    /** The stable middle of the key's base64 at each of the three byte alignments, both alphabets. */
    private final String[] base64Forms;

    /** @param key the key, or {@code null} for {@link #NONE} */
    Redactor(String key) {
        this.key = key == null ? null : key.toCharArray();
        this.asciiKey = key == null || key.chars().allMatch(c -> c < 0x80);
        this.base64Forms = key == null ? new String[0] : base64Forms(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] base64Forms(byte[] key) {
        Set<String> forms = new LinkedHashSet<>();
        for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + key.length];
                System.arraycopy(key, 0, shifted, offset, key.length);
                String encoded = encoder.withoutPadding().encodeToString(shifted);
                // characters that depend on the key's bits alone, whatever surrounds it
                int from = (8 * offset + 5) / 6;
                int to = 8 * (offset + key.length) / 6;
                if (to - from >= 6) {
                    forms.add(encoded.substring(from, to));
                }
            }
        }
        return forms.toArray(new String[0]);
    }

    @Override
    public String apply(String text) {
        if (text == null || key == null) {
            return text;
        }
        List<int[]> found = find(text);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int[] range : found) {
            if (range[0] < at) {
                at = Math.max(at, range[1]); // overlaps the range just masked: mask it with that one
                continue;
            }
            out.append(text, at, range[0]).append(MASK);
            at = range[1];
        }
        return out.append(text, at, text.length()).toString();
    }

    /**
     * The body as is when it holds no form of the key; otherwise a JSON body re-written with every
     * string redacted after decoding, and any other body redacted as text.
     */
    byte[] apply(byte[] body) {
        if (key == null || !mayHoldKey(body)) {
            return body;
        }
        try {
            JsonNode tree = AsyncInvokeJson.MAPPER.readTree(body);
            if (tree != null && tree.isContainerNode()) {
                return AsyncInvokeJson.MAPPER.writeValueAsBytes(redact(tree));
            }
        } catch (IOException notJson) {
            // redacted as text below
        }
        return apply(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode redact(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            String clean = apply(text);
            return clean == text ? node : TextNode.valueOf(clean);
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, redact(array.get(i)));
            }
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                entries.add(it.next());
            }
            object.removeAll();
            for (Map.Entry<String, JsonNode> entry : entries) {
                object.set(apply(entry.getKey()), redact(entry.getValue()));
            }
            return object;
        }
        return node;
    }

    /** Whether the raw bytes might hold the key in any form (never a false "no"). */
    private boolean mayHoldKey(byte[] body) {
        if (!asciiKey) {
            // a non-ASCII key's escapes are not visible byte by byte: look at the decoded text instead
            return !find(new String(body, StandardCharsets.UTF_8)).isEmpty();
        }
        CharSequence bytes = new Latin1(body);
        for (int i = 0; i < body.length; i++) {
            if (isCandidateStart(body[i]) && matchAt(bytes, i) > 0) {
                return true;
            }
        }
        for (String form : base64Forms) {
            if (indexOf(bytes, form, 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    private boolean isCandidateStart(int c) {
        return c == key[0] || c == '%' || c == '\\' || c == '&';
    }

    /** The ranges of {@code text} that hold the key, in order (they may overlap; callers skip those). */
    private List<int[]> find(CharSequence text) {
        List<int[]> found = List.of();
        for (int i = 0; i < text.length(); i++) {
            if (isCandidateStart(text.charAt(i))) {
                int end = matchAt(text, i);
                if (end > 0) {
                    found = add(found, i, end);
                    i = end - 1;
                }
            }
        }
        for (String form : base64Forms) {
            for (int at = indexOf(text, form, 0); at >= 0; at = indexOf(text, form, at + form.length())) {
                found = add(found, at, at + form.length());
            }
        }
        if (found.size() > 1) {
            found.sort((a, b) -> Integer.compare(a[0], b[0]));
        }
        return found;
    }

    private static List<int[]> add(List<int[]> found, int from, int to) {
        List<int[]> list = found.isEmpty() ? new ArrayList<>() : found;
        list.add(new int[] {from, to});
        return list;
    }

    /** Where the key, each character as is or escaped, ends when it starts at {@code i}; -1 when it does not. */
    private int matchAt(CharSequence s, int i) {
        int at = i;
        for (char expected : key) {
            if (at >= s.length()) {
                return -1;
            }
            char c = s.charAt(at);
            if (c == expected) {
                at++;
            } else if (c == '%' && expected < 0x80 && hex(s, at + 1, 2) == expected) {
                at += 3;
            } else if (c == '\\' && at + 1 < s.length() && s.charAt(at + 1) == 'u' && hex(s, at + 2, 4) == expected) {
                at += 6;
            } else if (c == '\\' && at + 1 < s.length() && s.charAt(at + 1) == expected) {
                at += 2;
            } else if (c == '&' && at + 2 < s.length() && s.charAt(at + 1) == '#') {
                int end = characterReference(s, at + 2, expected);
                if (end < 0) {
                    return -1;
                }
                at = end;
            } else {
                return -1;
            }
        }
        return at;
    }

    /** The end of {@code &#NNN;} or {@code &#xHH;} (from after {@code &#}) when it stands for {@code expected}, else -1. */
    private static int characterReference(CharSequence s, int at, char expected) {
        boolean hexadecimal = at < s.length() && (s.charAt(at) == 'x' || s.charAt(at) == 'X');
        int radix = hexadecimal ? 16 : 10;
        int i = hexadecimal ? at + 1 : at;
        int value = 0;
        int digits = 0;
        while (i < s.length() && digits < 7) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) {
                break;
            }
            value = value * radix + d;
            digits++;
            i++;
        }
        if (digits == 0 || value != expected) {
            return -1;
        }
        return i < s.length() && s.charAt(i) == ';' ? i + 1 : i;
    }

    /** The value of {@code count} hex digits at {@code at}, or -1. */
    private static int hex(CharSequence s, int at, int count) {
        if (at + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            value = value * 16 + d;
        }
        return value;
    }

    private static int indexOf(CharSequence s, String form, int from) {
        int last = s.length() - form.length();
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < form.length(); j++) {
                if (s.charAt(i + j) != form.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Raw bytes seen as characters one to one, so the byte scan needs no decoding nor copy. */
    private static final class Latin1 implements CharSequence {
        private final byte[] bytes;

        Latin1(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException();
        }
    }

    @Override
    public String toString() {
        return "Redactor";
    }
}
