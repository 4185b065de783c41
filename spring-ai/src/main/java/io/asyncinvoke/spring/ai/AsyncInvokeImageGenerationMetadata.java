package io.asyncinvoke.spring.ai;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.image.ImageGenerationMetadata;

/** What the job's output says of one of its images: its job, model, place, size, seed and NSFW flag. */
public final class AsyncInvokeImageGenerationMetadata implements ImageGenerationMetadata {

    private final String requestId;
    private final @Nullable String model;
    private final int index;
    private final @Nullable Integer width;
    private final @Nullable Integer height;
    private final @Nullable String contentType;
    private final @Nullable Long seed;
    private final @Nullable Boolean nsfw;

    AsyncInvokeImageGenerationMetadata(String requestId, @Nullable String model, int index, @Nullable Integer width,
            @Nullable Integer height, @Nullable String contentType, @Nullable Long seed, @Nullable Boolean nsfw) {
        this.requestId = requestId;
        this.model = model;
        this.index = index;
        this.width = width;
        this.height = height;
        this.contentType = contentType;
        this.seed = seed;
        this.nsfw = nsfw;
    }

    /** The job's request_id. */
    public String getRequestId() {
        return requestId;
    }

    /** The model that made the image. */
    public Optional<String> getModel() {
        return Optional.ofNullable(model);
    }

    /** The image's place in the output, from 0. */
    public int getIndex() {
        return index;
    }

    public OptionalInt getWidth() {
        return width == null ? OptionalInt.empty() : OptionalInt.of(width);
    }

    public OptionalInt getHeight() {
        return height == null ? OptionalInt.empty() : OptionalInt.of(height);
    }

    /** E.g. {@code image/png}. */
    public Optional<String> getContentType() {
        return Optional.ofNullable(contentType);
    }

    /** The seed the model used ({@code seed} of the output), to make the image again. */
    public Optional<Long> getSeed() {
        return Optional.ofNullable(seed);
    }

    /** The safety checker's verdict for this image ({@code has_nsfw_concepts[index]}), when the model gave one. */
    public Optional<Boolean> getNsfw() {
        return Optional.ofNullable(nsfw);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AsyncInvokeImageGenerationMetadata)) {
            return false;
        }
        AsyncInvokeImageGenerationMetadata that = (AsyncInvokeImageGenerationMetadata) o;
        return index == that.index && requestId.equals(that.requestId) && Objects.equals(model, that.model)
                && Objects.equals(width, that.width) && Objects.equals(height, that.height)
                && Objects.equals(contentType, that.contentType) && Objects.equals(seed, that.seed)
                && Objects.equals(nsfw, that.nsfw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, model, index, width, height, contentType, seed, nsfw);
    }

    @Override
    public String toString() {
        return "AsyncInvokeImageGenerationMetadata{requestId=" + requestId + ", model=" + model + ", index=" + index
                + ", width=" + width + ", height=" + height + ", contentType=" + contentType + ", seed=" + seed
                + ", nsfw=" + nsfw + '}';
    }
}
