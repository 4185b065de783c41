package io.asyncinvoke.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The shape of a completed job's output, like fal's, and the media files behind it. */
final class Outputs {

    static final int MAX_SIDE = 2048;
    static final int MAX_IMAGES = 8;
    static final int MAX_AUDIO_SECONDS = 5;
    static final int DEFAULT_AUDIO_SECONDS = 3;
    static final int[] DEFAULT_SIZE = {1024, 768};
    static final Map<String, int[]> NAMED_SIZES = Map.of(
            "square_hd", new int[] {1024, 1024},
            "square", new int[] {512, 512},
            "portrait_4_3", new int[] {768, 1024},
            "portrait_16_9", new int[] {576, 1024},
            "landscape_4_3", new int[] {1024, 768},
            "landscape_16_9", new int[] {1024, 576});

    private Outputs() {
    }

    private static int clamp(long value, int min, int max) {
        return (int) Math.max(min, Math.min(max, value));
    }

    /** {@code image_size} as {width,height} or a name, else {@code output_format} if it names a size, else 1024x768; sides clamped to 1..2048. */
    static int[] imageSize(JsonNode input) {
        JsonNode size = input.get("image_size");
        if (size != null && size.isObject() && size.path("width").canConvertToLong()
                && size.path("height").canConvertToLong()) {
            return new int[] {clamp(size.get("width").longValue(), 1, MAX_SIDE),
                    clamp(size.get("height").longValue(), 1, MAX_SIDE)};
        }
        for (String field : new String[] {"image_size", "output_format"}) {
            JsonNode named = input.get(field);
            if (named != null && named.isTextual() && NAMED_SIZES.containsKey(named.textValue())) {
                return NAMED_SIZES.get(named.textValue()).clone();
            }
        }
        return DEFAULT_SIZE.clone();
    }

    /** {@code num_images}, default 1, clamped to 1..8. */
    static int imageCount(JsonNode input) {
        JsonNode n = input.get("num_images");
        return n != null && n.canConvertToLong() ? clamp(n.longValue(), 1, MAX_IMAGES) : 1;
    }

    /** {@code seconds_total}, default 3, clamped to 1..5 so files stay tiny. */
    static int audioSeconds(JsonNode input) {
        JsonNode n = input.get("seconds_total");
        return n != null && n.canConvertToLong() ? clamp(n.longValue(), 1, MAX_AUDIO_SECONDS) : DEFAULT_AUDIO_SECONDS;
    }

    /** Speech lasts 0.5 s plus 60 ms per character of {@code text}, at most 5 s, in 36 ms frames. */
    static int speechFrames(JsonNode input) {
        JsonNode text = input.get("text");
        int chars = text != null && text.isTextual() ? text.textValue().length() : 0;
        long millis = Math.min(5000, 500 + 60L * chars);
        return (int) ((millis + MediaFiles.MP3_FRAME_MILLIS - 1) / MediaFiles.MP3_FRAME_MILLIS);
    }

    static String mediaPath(SimJob job, String file) {
        return "/media/" + Route.encode(job.requestId) + "/" + file;
    }

    static ObjectNode output(SimJob job, String mediaBaseUrl) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        switch (job.family) {
            case IMAGE: {
                ArrayNode images = out.putArray("images");
                ArrayNode nsfw = f.arrayNode();
                for (int i = 0; i < job.imageCount; i++) {
                    images.addObject()
                            .put("url", mediaBaseUrl + mediaPath(job, i + ".png"))
                            .put("width", job.width)
                            .put("height", job.height)
                            .put("content_type", "image/png");
                    nsfw.add(false);
                }
                out.put("seed", job.seed);
                out.set("has_nsfw_concepts", nsfw);
                if (job.prompt != null) {
                    out.put("prompt", job.prompt);
                }
                break;
            }
            case AUDIO:
                out.putObject("audio")
                        .put("url", mediaBaseUrl + mediaPath(job, "output.wav"))
                        .put("content_type", "audio/wav")
                        .put("file_name", "output.wav")
                        .put("file_size", MediaFiles.wavSize(job.audioSeconds));
                out.put("seed", job.seed);
                break;
            case SPEECH:
            default:
                out.putObject("audio")
                        .put("url", mediaBaseUrl + mediaPath(job, "output.mp3"))
                        .put("content_type", "audio/mpeg")
                        .put("file_name", "output.mp3")
                        .put("file_size", MediaFiles.mp3Size(job.speechFrames));
                break;
        }
        return out;
    }

    /** The media file {@code file} of a completed job, or null when it has no such file. */
    static Answer media(SimJob job, String file, MediaFiles files) {
        switch (job.family) {
            case IMAGE: {
                if (!file.endsWith(".png")) {
                    return null;
                }
                String index = file.substring(0, file.length() - 4);
                if (!index.matches("[0-9]{1,2}") || Integer.parseInt(index) >= job.imageCount) {
                    return null;
                }
                return Answer.of(200, "image/png", files.png(job.width, job.height));
            }
            case AUDIO:
                return "output.wav".equals(file) ? Answer.of(200, "audio/wav", files.wav(job.audioSeconds)) : null;
            case SPEECH:
            default:
                return "output.mp3".equals(file) ? Answer.of(200, "audio/mpeg", files.mp3(job.speechFrames)) : null;
        }
    }
}
