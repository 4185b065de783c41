package io.asyncinvoke.examples;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;

/**
 * What reaches a terminal from the network is text, never control: a status, an error, a
 * request_id from a hostile or broken service could otherwise carry escape sequences (a new window
 * title, a cleared screen, colours) or a carriage return that forges a line such as
 * {@code error: ...}. Control and invisible formatting characters are shown escaped instead.
 */
final class Terminal {

    private Terminal() {
    }

    /** {@code text} with every control or formatting character written as {@code \\uXXXX}. */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** C0 and C1 controls, DEL, and format characters such as the bidirectional overrides. */
    static boolean isUnsafe(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || c == '\u2028' || c == '\u2029';
    }

    /**
     * JSON escapes beyond the ones JSON demands (below U+0020): DEL, C1 controls and formatting
     * characters too, so that a job printed on stdout cannot drive the terminal it is read in.
     */
    static final class JsonEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        JsonEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (isUnsafe(ch)) {
                return new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
