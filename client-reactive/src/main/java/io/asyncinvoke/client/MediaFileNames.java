package io.asyncinvoke.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The name a downloaded file is saved under. Every candidate comes from the network, so each is
 * reduced to one harmless path segment or refused; the caller then adds {@code -1}, {@code -2}, ...
 * rather than overwrite a file.
 */
final class MediaFileNames {

    /**
     * Long enough for any real name, short enough for every file system once a suffix is added:
     * counted in UTF-8 bytes, as file systems count (255 bytes on most), not in characters.
     */
    static final int MAX_BYTES = 200;

    /** Names Windows reserves for devices, with or without an extension; files move between systems. */
    private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3",
            "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
            "lpt8", "lpt9");

    private static final Map<String, String> BY_CONTENT_TYPE = Map.ofEntries(
            Map.entry("image/png", ".png"),
            Map.entry("image/jpeg", ".jpg"),
            Map.entry("image/jpg", ".jpg"),
            Map.entry("image/webp", ".webp"),
            Map.entry("image/gif", ".gif"),
            Map.entry("audio/wav", ".wav"),
            Map.entry("audio/x-wav", ".wav"),
            Map.entry("audio/wave", ".wav"),
            Map.entry("audio/vnd.wave", ".wav"),
            Map.entry("audio/mpeg", ".mp3"),
            Map.entry("audio/mp3", ".mp3"),
            Map.entry("audio/ogg", ".ogg"),
            Map.entry("audio/flac", ".flac"),
            Map.entry("audio/x-flac", ".flac"),
            Map.entry("video/mp4", ".mp4"));

    /** Extensions a content type may replace: a media file's name must not lie about its content. */
    private static final Set<String> MEDIA_EXTENSIONS = Set.of(".png", ".jpg", ".jpeg", ".webp", ".gif", ".wav",
            ".wave", ".mp3", ".ogg", ".flac", ".mp4", ".bin");

    private MediaFileNames() {
    }

    /**
     * The name to save {@code file} under: its {@code file_name} if safe, else the URL's last path
     * segment, else {@code <request_id>-<n>}; with the extension of its content type (the output's,
     * else the response's), else the URL's, else {@code .bin}.
     */
    static String choose(MediaFile file, String responseContentType) {
        String urlSegment = lastSegment(file.url());
        String base = safe(file.fileName().orElse(null));
        if (base == null) {
            base = safe(urlSegment);
        }
        if (base == null) {
            base = fallbackBase(file);
        }
        return withExtension(base, extension(file, responseContentType), urlSegment == null ? null : extensionOf(urlSegment));
    }

    /** The plain name used when the chosen one is refused by the file system: {@code <request_id>-<n>.<ext>}. */
    static String fallback(MediaFile file, String responseContentType) {
        String urlSegment = lastSegment(file.url());
        return withExtension(fallbackBase(file), extension(file, responseContentType),
                urlSegment == null ? null : extensionOf(urlSegment));
    }

    private static String fallbackBase(MediaFile file) {
        String id = safe(file.requestId().orElse(null));
        return (id == null ? "download" : id) + "-" + file.index();
    }

    private static String extension(MediaFile file, String responseContentType) {
        String extension = extensionFor(file.contentType().orElse(null));
        return extension != null ? extension : extensionFor(responseContentType);
    }

    /** {@code name} with {@code -n} before its extension. */
    static String numbered(String name, int n) {
        String extension = extensionOf(name);
        String stem = extension == null ? name : name.substring(0, name.length() - extension.length());
        return stem + "-" + n + (extension == null ? "" : extension);
    }

    /**
     * One safe path segment made from {@code name}, or {@code null}: any directory part is
     * dropped; names with {@code ..}, control or invisible formatting characters are refused;
     * leading dots (hidden files) and characters some file systems forbid are removed.
     */
    static String safe(String name) {
        if (name == null) {
            return null;
        }
        String segment = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        if (segment.contains("..")) {
            return null;
        }
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); ) {
            int c = segment.codePointAt(i);
            i += Character.charCount(c);
            int type = Character.getType(c);
            // a lone surrogate reads as SURROGATE; a valid pair is one code point of another type
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                return null;
            }
            if ("<>:\"|?*".indexOf(c) >= 0) {
                out.append('_');
            } else {
                out.appendCodePoint(c);
            }
        }
        String cleaned = out.toString().strip();
        int start = 0;
        while (start < cleaned.length() && cleaned.charAt(start) == '.') {
            start++;
        }
        cleaned = cleaned.substring(start).strip();
        while (cleaned.endsWith(".")) {
            cleaned = cleaned.substring(0, cleaned.length() - 1);
        }
        if (cleaned.isEmpty()) {
            return null;
        }
        if (utf8Length(cleaned) > MAX_BYTES) {
            String extension = extensionOf(cleaned);
            String ext = extension == null ? "" : extension;
            String stem = cleaned.substring(0, cleaned.length() - ext.length());
            int budget = MAX_BYTES - utf8Length(ext);
            int end = 0;
            int bytes = 0;
            while (end < stem.length()) {
                int c = stem.codePointAt(end);
                int size = utf8Length(new String(Character.toChars(c)));
                if (bytes + size > budget) {
                    break;
                }
                bytes += size;
                end += Character.charCount(c);
            }
            cleaned = stem.substring(0, end).strip() + ext;
        }
        String stem = cleaned.indexOf('.') < 0 ? cleaned : cleaned.substring(0, cleaned.indexOf('.'));
        if (WINDOWS_RESERVED.contains(stem.strip().toLowerCase(Locale.ROOT))) {
            cleaned = "_" + cleaned;
        }
        return cleaned;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The extension for a content type (parameters ignored), or {@code null} when unknown. */
    static String extensionFor(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return BY_CONTENT_TYPE.get(type);
    }

    /** {@code .ext} of a name when it has a plausible one (1 to 5 letters or digits), lower-cased. */
    static String extensionOf(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.length() - dot - 1 < 1 || name.length() - dot - 1 > 5) {
            return null;
        }
        for (int i = dot + 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return null;
            }
        }
        return name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static String withExtension(String base, String extension, String urlExtension) {
        String current = extensionOf(base);
        if (extension == null) {
            if (current != null) {
                return base;
            }
            return base + (urlExtension != null ? urlExtension : ".bin");
        }
        if (current == null) {
            return base + extension;
        }
        if (current.equals(extension) || current.equals(".jpeg") && extension.equals(".jpg")
                || current.equals(".wave") && extension.equals(".wav")) {
            return base;
        }
        if (MEDIA_EXTENSIONS.contains(current)) {
            return base.substring(0, base.length() - current.length()) + extension;
        }
        return base + extension;
    }

    /** The URL's last path segment, percent-decoded, or {@code null}. */
    static String lastSegment(String url) {
        String path;
        try {
            path = new URI(url).getRawPath();
        } catch (URISyntaxException e) {
            return null;
        }
        if (path == null || path.isEmpty()) {
            return null;
        }
        String segment = path.substring(path.lastIndexOf('/') + 1);
        return segment.isEmpty() ? null : percentDecode(segment);
    }

    /** Decodes %XX as UTF-8 (and leaves {@code +} alone, unlike form decoding); {@code null} when malformed. */
    private static String percentDecode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
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
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
