package io.asyncinvoke.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One media file a job produced: an object with a string {@code url} found in its {@code output},
 * with what the output said about it. Immutable; pass it to
 * {@link AsyncInvokeAsyncClient#download(MediaFile, java.nio.file.Path)}.
 *
 * <p>Output URLs are usually presigned: their query string is a credential. {@link #toString()}
 * and this library's error messages show the URL without it.
 */
public final class MediaFile {

    private final String url;
    private final String contentType;
    private final String fileName;
    private final Long fileSize;
    private final String path;
    private final String requestId;
    private final int index;

    MediaFile(String url, String contentType, String fileName, Long fileSize, String path, String requestId,
              int index) {
        this.url = url;
        this.contentType = contentType;
        this.fileName = fileName;
        this.fileSize = fileSize;
        this.path = path;
        this.requestId = requestId;
        this.index = index;
    }

    /** A file known only by its URL (for a URL obtained elsewhere); everything else is absent. */
    public static MediaFile of(String url) {
        if (Objects.requireNonNull(url, "url").isBlank()) {
            throw new IllegalArgumentException("url must not be blank");
        }
        return new MediaFile(url, null, null, null, "", null, 0);
    }

    /** The URL to download from. */
    public String url() {
        return url;
    }

    /** The {@code content_type} the output gave, e.g. {@code image/png}. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** The {@code file_name} the output gave, as sent (not yet made safe for a file system). */
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }

    /** The {@code file_size} in bytes the output gave. */
    public OptionalLong fileSize() {
        return fileSize == null ? OptionalLong.empty() : OptionalLong.of(fileSize);
    }

    /**
     * Where in the output the file was found, e.g. {@code images[0]} or {@code audio}; empty for
     * a file made with {@link #of(String)}.
     */
    public String path() {
        return path;
    }

    /** The request_id of the job that produced it, when known. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** Its position among the job's files ({@link JobOutput#files()}), from 0. */
    public int index() {
        return index;
    }

    /** The URL without its query string and fragment, which may carry a signature. */
    String displayUrl() {
        return withoutQuery(url);
    }

    static String withoutQuery(String url) {
        int cut = url.length();
        int query = url.indexOf('?');
        if (query >= 0) {
            cut = query;
        }
        int fragment = url.indexOf('#');
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        return cut < url.length() ? url.substring(0, cut) + "?…" : url;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MediaFile)) {
            return false;
        }
        MediaFile other = (MediaFile) o;
        return index == other.index && url.equals(other.url) && Objects.equals(contentType, other.contentType)
                && Objects.equals(fileName, other.fileName) && Objects.equals(fileSize, other.fileSize)
                && path.equals(other.path) && Objects.equals(requestId, other.requestId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, contentType, fileName, fileSize, path, requestId, index);
    }

    @Override
    public String toString() {
        return "MediaFile{" + (path.isEmpty() ? "" : path + ", ") + displayUrl()
                + (contentType == null ? "" : ", " + contentType)
                + (fileSize == null ? "" : ", " + fileSize + " bytes") + '}';
    }
}
