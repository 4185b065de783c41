package io.asyncinvoke.simulator;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Where a request target leads: parsed from the raw (still encoded) target, ids decoded exactly once. */
final class Route {

    static final String API_ROOT = "/v1/async-invoke";

    final Endpoint endpoint;
    /** The decoded request id, or null. */
    final String requestId;
    /** For media: the file name segment, decoded. */
    final String file;
    /** Set for OTHER when the path exists but the method does not: the allowed method. */
    final String allow;
    /** The id segment was not valid percent-encoded UTF-8. */
    final boolean badEncoding;
    /** Whether it arrived on the media listener (else on the API's). */
    final boolean media;

    private Route(boolean media, Endpoint endpoint, String requestId, String file, String allow, boolean badEncoding) {
        this.media = media;
        this.endpoint = endpoint;
        this.requestId = requestId;
        this.file = file;
        this.allow = allow;
        this.badEncoding = badEncoding;
    }

    private static Route other(boolean media, String requestId, String allow) {
        return new Route(media, Endpoint.OTHER, requestId, null, allow, false);
    }

    /** The path part of a request target: no query, no fragment, no scheme or authority. */
    static String pathOf(String rawTarget) {
        String path = rawTarget;
        int cut = path.length();
        int q = path.indexOf('?');
        if (q >= 0) {
            cut = q;
        }
        int h = path.indexOf('#');
        if (h >= 0 && h < cut) {
            cut = h;
        }
        path = path.substring(0, cut);
        int scheme = path.indexOf("://");
        if (scheme > 0 && !path.startsWith("/")) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }

    static Route api(String method, String rawTarget) {
        String[] segments = pathOf(rawTarget).split("/", -1);
        // ["", "v1", "async-invoke", id?, "status"?]
        if (segments.length < 3 || !segments[0].isEmpty() || !"v1".equals(segments[1])
                || !"async-invoke".equals(segments[2])) {
            return other(false, null, null);
        }
        if (segments.length == 3) {
            return "POST".equals(method) ? new Route(false, Endpoint.SUBMIT, null, null, null, false) : other(false, null, "POST");
        }
        if (segments.length > 5 || segments[3].isEmpty()
                || (segments.length == 5 && !"status".equals(segments[4]))) {
            return other(false, null, null);
        }
        String id = decode(segments[3]);
        boolean bad = id == null;
        Endpoint endpoint = segments.length == 5 ? Endpoint.STATUS : Endpoint.GET;
        if (!"GET".equals(method)) {
            return other(false, id, "GET");
        }
        return new Route(false, endpoint, id, null, null, bad);
    }

    static Route media(String method, String rawTarget) {
        String[] segments = pathOf(rawTarget).split("/", -1);
        // ["", "media", id, file]
        if (segments.length != 4 || !segments[0].isEmpty() || !"media".equals(segments[1])
                || segments[2].isEmpty() || segments[3].isEmpty()) {
            return other(true, null, null);
        }
        String id = decode(segments[2]);
        String file = decode(segments[3]);
        if (!"GET".equals(method)) {
            return other(true, id, "GET");
        }
        return new Route(true, Endpoint.MEDIA, id, file, null, id == null || file == null);
    }

    /**
     * Percent-decodes one path segment once, as UTF-8. Characters above 0x7F that arrived unencoded
     * (the request line is read as ISO-8859-1) are taken as the bytes they were. Returns null when
     * the segment is not valid percent-encoded UTF-8.
     */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0 && segment.chars().allMatch(c -> c < 0x80)) {
            return segment;
        }
        ByteBuffer bytes = ByteBuffer.allocate(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else if (c < 0x100) {
                bytes.put((byte) c);
            } else {
                return null;
            }
        }
        bytes.flip();
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Percent-encodes a string as one path segment: everything but RFC 3986 unreserved characters. */
    static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
