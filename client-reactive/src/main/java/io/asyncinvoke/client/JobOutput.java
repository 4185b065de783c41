package io.asyncinvoke.client;

import io.asyncinvoke.model.Job;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A read-only, typed view of a completed job's {@code output}: its {@link #images()}, its
 * {@link #audio()}, and every {@link #files() media file} anywhere in it.
 *
 * <pre>{@code
 * JobOutput output = JobOutput.of(job);
 * for (JobOutput.Image image : output.images()) {
 *     System.out.println(image.url() + " " + image.width().orElse(0) + "x" + image.height().orElse(0));
 * }
 * client.downloadAll(job, Path.of("out")).subscribe(path -> System.out.println("saved " + path));
 * }</pre>
 *
 * <p>Outputs differ from model to model, so the view is tolerant: a media file is any JSON object
 * with a non-blank string {@code url}, at any depth; a field that is missing or of an unexpected
 * type is simply absent. Reading never throws on an odd shape. A job without output (not
 * completed, or failed) has an empty view.
 */
public final class JobOutput {

    /** Deeper nesting than this is not a model output but a mistake or an attack; it is not walked. */
    static final int MAX_DEPTH = 32;
    /** More files than this are not listed, so that a hostile output cannot exhaust memory. */
    static final int MAX_FILES = 1000;

    private final String requestId;
    private final List<MediaFile> files;
    private final List<Image> images;
    private final List<Audio> audio;

    private JobOutput(String requestId, List<MediaFile> files, List<Image> images, List<Audio> audio) {
        this.requestId = requestId;
        this.files = files;
        this.images = images;
        this.audio = audio;
    }

    /** The view of {@code job}'s output; empty when the job has none. */
    public static JobOutput of(Job job) {
        Objects.requireNonNull(job, "job");
        Walk walk = new Walk(job.getRequestId());
        Map<String, Object> output = job.getOutput();
        if (output != null) {
            walk.object(output, "", "", 0);
        }
        return new JobOutput(job.getRequestId(), Collections.unmodifiableList(walk.files),
                Collections.unmodifiableList(walk.images), Collections.unmodifiableList(walk.audio));
    }

    /** The request_id of the job, when it had one. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /**
     * Every media file in the output, in document order: images, audio, video and anything else
     * with a {@code url}.
     */
    public List<MediaFile> files() {
        return files;
    }

    /**
     * The images: files under {@code images} or {@code image}, or whose {@code content_type} is
     * {@code image/*}.
     */
    public List<Image> images() {
        return images;
    }

    /**
     * The audio files: files under a field whose name starts with {@code audio} ({@code audio},
     * {@code audio_file}, ...), or whose {@code content_type} is {@code audio/*}.
     */
    public List<Audio> audio() {
        return audio;
    }

    @Override
    public String toString() {
        return "JobOutput{requestId=" + requestId + ", files=" + files + '}';
    }

    /** An image of the output: {@code url}, {@code width}, {@code height}, {@code content_type}. */
    public static final class Image {
        private final MediaFile file;
        private final Integer width;
        private final Integer height;

        Image(MediaFile file, Integer width, Integer height) {
            this.file = file;
            this.width = width;
            this.height = height;
        }

        /** The image as a file, to download. */
        public MediaFile file() {
            return file;
        }

        /** The image's URL. */
        public String url() {
            return file.url();
        }

        /** Its width in pixels, when given as a positive integer. */
        public OptionalInt width() {
            return width == null ? OptionalInt.empty() : OptionalInt.of(width);
        }

        /** Its height in pixels, when given as a positive integer. */
        public OptionalInt height() {
            return height == null ? OptionalInt.empty() : OptionalInt.of(height);
        }

        /** Its {@code content_type}, e.g. {@code image/png}. */
        public Optional<String> contentType() {
            return file.contentType();
        }

        @Override
        public String toString() {
            return "Image{" + file + (width == null || height == null ? "" : ", " + width + "x" + height) + '}';
        }
    }

    /** An audio file of the output: {@code url}, {@code content_type}, {@code file_name}, {@code file_size}. */
    public static final class Audio {
        private final MediaFile file;

        Audio(MediaFile file) {
            this.file = file;
        }

        /** The audio as a file, to download. */
        public MediaFile file() {
            return file;
        }

        /** The file's URL. */
        public String url() {
            return file.url();
        }

        /** Its {@code content_type}, e.g. {@code audio/wav} or {@code audio/mpeg}. */
        public Optional<String> contentType() {
            return file.contentType();
        }

        /** Its {@code file_name}, as sent. */
        public Optional<String> fileName() {
            return file.fileName();
        }

        /** Its {@code file_size} in bytes. */
        public OptionalLong fileSize() {
            return file.fileSize();
        }

        @Override
        public String toString() {
            return "Audio{" + file + '}';
        }
    }

    /** One pass over the output tree, collecting files in document order. */
    private static final class Walk {
        final String requestId;
        final List<MediaFile> files = new ArrayList<>();
        final List<Image> images = new ArrayList<>();
        final List<Audio> audio = new ArrayList<>();

        Walk(String requestId) {
            this.requestId = requestId;
        }

        void value(Object value, String path, String topKey, int depth) {
            if (depth > MAX_DEPTH || files.size() >= MAX_FILES) {
                return;
            }
            if (value instanceof Map) {
                object((Map<?, ?>) value, path, topKey, depth);
            } else if (value instanceof List) {
                List<?> list = (List<?>) value;
                for (int i = 0; i < list.size(); i++) {
                    value(list.get(i), path + "[" + i + "]", topKey, depth + 1);
                }
            }
        }

        void object(Map<?, ?> object, String path, String topKey, int depth) {
            Object url = object.get("url");
            if (url instanceof String && !((String) url).isBlank()) {
                file(object, (String) url, path, topKey);
            }
            for (Map.Entry<?, ?> entry : object.entrySet()) {
                if (!(entry.getKey() instanceof String) || "url".equals(entry.getKey())) {
                    continue;
                }
                String key = (String) entry.getKey();
                value(entry.getValue(), path.isEmpty() ? key : path + "." + key, depth == 0 ? key : topKey,
                        depth + 1);
            }
        }

        private void file(Map<?, ?> object, String url, String path, String topKey) {
            String contentType = text(object.get("content_type"));
            MediaFile file = new MediaFile(url, contentType, text(object.get("file_name")),
                    nonNegative(object.get("file_size")), path, requestId, files.size());
            files.add(file);
            String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
            String key = topKey.toLowerCase(Locale.ROOT);
            if (type.startsWith("image/") || key.equals("images") || key.equals("image")) {
                Long width = positive(object.get("width"));
                Long height = positive(object.get("height"));
                images.add(new Image(file, toInt(width), toInt(height)));
            }
            if (type.startsWith("audio/") || key.startsWith("audio")) {
                audio.add(new Audio(file));
            }
        }

        private static String text(Object value) {
            return value instanceof String && !((String) value).isBlank() ? (String) value : null;
        }

        private static Long positive(Object value) {
            Long n = nonNegative(value);
            return n == null || n == 0 ? null : n;
        }

        /** A whole number >= 0 given as a JSON number or a string of digits; anything else is absent. */
        private static Long nonNegative(Object value) {
            try {
                BigDecimal number;
                if (value instanceof Number) {
                    number = new BigDecimal(value.toString());
                } else if (value instanceof String && ((String) value).trim().matches("[0-9]{1,18}")) {
                    number = new BigDecimal(((String) value).trim());
                } else {
                    return null;
                }
                return number.signum() < 0 ? null : number.longValueExact();
            } catch (ArithmeticException | NumberFormatException notAWholeNumber) {
                return null;
            }
        }

        private static Integer toInt(Long value) {
            return value == null || value > Integer.MAX_VALUE ? null : value.intValue();
        }
    }
}
