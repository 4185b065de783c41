package io.asyncinvoke.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one download of an output file: an immutable spec; every {@code withX} returns a new
 * instance.
 *
 * <p>A file larger than {@link #maxBytes()}, than its {@code Content-Length}, or than the
 * {@code file_size} the output stated is cut off: the download fails with
 * {@link DownloadException} and leaves nothing behind. A download that takes longer than
 * {@link #timeout()} as a whole, retries included, fails with a timeout {@link TransportException}
 * (Reactor Netty's response timeout only bounds the gap between two reads).
 *
 * <p>Defaults: 2 GiB, 1 hour — far above any image, audio or speech file the models produce, so
 * they only stop a host that sends without end.
 */
public final class DownloadOptions {

    private static final DownloadOptions DEFAULTS = new DownloadOptions(2L * 1024 * 1024 * 1024, Duration.ofHours(1));

    private final long maxBytes;
    private final Duration timeout;

    private DownloadOptions(long maxBytes, Duration timeout) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** The defaults described above. */
    public static DownloadOptions defaults() {
        return DEFAULTS;
    }

    /** The largest file saved, in bytes (at least 1). */
    public DownloadOptions withMaxBytes(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
        }
        return new DownloadOptions(maxBytes, timeout);
    }

    /** How long one download may take as a whole, retries included (positive). */
    public DownloadOptions withTimeout(Duration timeout) {
        return new DownloadOptions(maxBytes, PollingOptions.positive(timeout, "timeout"));
    }

    /** @see #withMaxBytes(long) */
    public long maxBytes() {
        return maxBytes;
    }

    /** @see #withTimeout(Duration) */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DownloadOptions && ((DownloadOptions) o).maxBytes == maxBytes
                && ((DownloadOptions) o).timeout.equals(timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxBytes, timeout);
    }

    @Override
    public String toString() {
        return "DownloadOptions{maxBytes=" + maxBytes + ", timeout=" + DurationFormat.format(timeout) + '}';
    }
}
