package io.asyncinvoke.client;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Removes the API key from anything that came back from the network, should a server or proxy
 * echo it (in an error message, a job's error, a status value, an HTML page): every such text may
 * end up in an exception message or a log line.
 */
final class Redactor implements UnaryOperator<String> {

    static final String MASK = "[REDACTED]";

    private final String key;
    private final byte[] keyBytes;

    Redactor(String key) {
        this.key = key;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String apply(String text) {
        return text == null || !text.contains(key) ? text : text.replace(key, MASK);
    }

    /** The body as is, unless it holds the key: searched as bytes, so a clean body costs no copy. */
    byte[] apply(byte[] body) {
        return indexOf(body) < 0 ? body : apply(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private int indexOf(byte[] body) {
        byte first = keyBytes[0];
        int last = body.length - keyBytes.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (body[i] != first) {
                continue;
            }
            for (int j = 1; j < keyBytes.length; j++) {
                if (body[i + j] != keyBytes[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "Redactor";
    }
}
