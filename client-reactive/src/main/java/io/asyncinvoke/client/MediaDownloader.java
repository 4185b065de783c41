package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Streams output files to disk. The HTTP client it is given carries no credentials at all: output
 * URLs point to other hosts (presigned storage URLs), which must never see the API key.
 *
 * <p>The body is copied chunk by chunk off the event loop ({@code publishOn} a bounded-elastic
 * worker, a few chunks in flight, so memory stays bounded whatever the file size) into a hidden
 * {@code .part} file in the target directory, which is moved into place atomically once complete.
 * A failed, retried or cancelled attempt deletes its part file; a name already taken gets
 * {@code -1}, {@code -2}, ... rather than being overwritten.
 */
final class MediaDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(MediaDownloader.class);

    /** Chunks buffered between the event loop and the writing thread. */
    private static final int CHUNKS_IN_FLIGHT = 8;
    private static final int SNIPPET_CHARS = 200;
    private static final int SNIPPET_WINDOW_BYTES = 16 * 1024;
    private static final int MAX_NAME_ATTEMPTS = 10_000;
    /** Browsers stop at about 20; a media URL that needs more is going round in circles. */
    static final int MAX_REDIRECTS = 10;

    private final HttpClient http;
    private final RetryPolicy retries;
    private final AsyncInvokeListener listener;
    private final Redactor redactor;

    /**
     * @param http     a client without credentials; see {@link #mediaClient(HttpClient, String)}
     * @param redactor a media host never receives the key, but one could still echo a key it got
     *                 elsewhere: its answers are redacted like the API's
     */
    MediaDownloader(HttpClient http, RetryPolicy retries, AsyncInvokeListener listener, Redactor redactor) {
        this.http = http;
        this.retries = retries;
        this.listener = listener;
        this.redactor = redactor;
    }

    /**
     * The media client derived from the client's base (timeouts, pool, proxy): it follows
     * redirects to http(s) locations and never sends an {@code Authorization} header, even one set
     * on an {@link HttpClient} the application supplied.
     */
    static HttpClient mediaClient(HttpClient base, String userAgent) {
        return base.followRedirect(MediaDownloader::followable)
                .headers(headers -> headers.remove(HttpHeaderNames.AUTHORIZATION)
                        .set(HttpHeaderNames.USER_AGENT, userAgent));
    }

    private static boolean followable(HttpClientRequest request, HttpClientResponse response) {
        int status = response.status().code();
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return false;
        }
        if (request.redirectedFrom().length >= MAX_REDIRECTS) {
            return false; // a loop, or near enough: the 3xx is reported as such
        }
        String location = response.responseHeaders().get(HttpHeaderNames.LOCATION);
        if (location == null) {
            return false;
        }
        try {
            String scheme = new URI(location.strip()).getScheme();
            // no scheme: relative to the current http(s) URL
            return scheme == null || scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    Mono<Path> download(MediaFile file, Path directory, DownloadOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        return Mono.defer(() -> {
            URI url = requireHttpUrl(file.url());
            // cancelled at the deadline: the attempt in flight deletes its part file as on any cancel
            return Call.of(Operation.DOWNLOAD, file.requestId().orElse(null), null, file.displayUrl(), listener,
                            call -> retries.apply(call, Mono.defer(() -> new Attempt(call, file, url, directory, options).run())))
                    .timeout(options.timeout(), Mono.error(() -> new TransportException("Download of "
                            + file.displayUrl() + " failed: timed out after " + DurationFormat.format(options.timeout())
                            + " (DownloadOptions.timeout)", file.requestId().orElse(null), true, true, null, false)));
        });
    }

    /**
     * The body of {@code file} as it arrives, in chunks, within {@code options}' limits: as
     * {@link #download}, but nothing is written; retried only until the first chunk is emitted.
     */
    Flux<byte[]> content(MediaFile file, DownloadOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> {
            URI url = requireHttpUrl(file.url());
            return Call.many(Operation.DOWNLOAD, file.requestId().orElse(null), null, file.displayUrl(), listener,
                            call -> retries.applyUntilData(call,
                                    Flux.defer(() -> new Attempt(call, file, url, null, options).stream())))
                    // the deadline covers the whole body, retries included (a per-chunk timeout would not)
                    .takeUntilOther(Mono.delay(options.timeout()).then(Mono.error(() -> new TransportException(
                            "Download of " + file.displayUrl() + " failed: timed out after "
                                    + DurationFormat.format(options.timeout()) + " (DownloadOptions.timeout)",
                            file.requestId().orElse(null), true, true, null, false))));
        });
    }

    static URI requireHttpUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + MediaFile.withoutQuery(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("only http and https URLs can be downloaded, not "
                    + MediaFile.withoutQuery(url));
        }
        return uri;
    }

    /** One HTTP attempt, and the part file it writes to. */
    private final class Attempt {
        final Call call;
        final Call.Attempt recorder;
        final MediaFile file;
        /** A URI, not a string: Reactor Netty's string URLs misread one-digit ports (reactor-netty#4357). */
        final URI url;
        final Path directory;
        final String requestId;
        /** The most this file may have: the options' limit, or less when the output stated its size. */
        final long limit;
        private long received;

        Attempt(Call call, MediaFile file, URI url, Path directory, DownloadOptions options) {
            this.call = call;
            this.recorder = call.next();
            this.file = file;
            this.url = url;
            this.directory = directory;
            this.requestId = file.requestId().orElse(null);
            this.limit = Math.min(options.maxBytes(), file.fileSize().orElse(Long.MAX_VALUE));
        }

        Mono<Path> run() {
            recorder.started();
            return http.get().uri(url)
                    .response((response, body) -> {
                        int status = response.status().code();
                        if (status < 200 || status >= 300) {
                            return snippet(body).flatMap(snippet -> Mono.error(failed(response, status, snippet)));
                        }
                        long declared = declaredLength(response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH));
                        if (declared > limit) {
                            return Mono.error(tooLarge(status, "declares " + declared + " bytes, more"));
                        }
                        String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
                        return save(body, contentType).doOnNext(path -> completed(status, null));
                    })
                    .single()
                    .onErrorMap(this::mapFailure);
        }

        /** The body as it arrives; the chunk that would pass the limit fails the stream instead. */
        Flux<byte[]> stream() {
            recorder.started();
            return http.get().uri(url)
                    .response((response, body) -> {
                        int status = response.status().code();
                        if (status < 200 || status >= 300) {
                            return snippet(body).flatMapMany(snippet -> Flux.<byte[]>error(failed(response, status, snippet)));
                        }
                        long declared = declaredLength(response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH));
                        if (declared > limit) {
                            return Flux.<byte[]>error(tooLarge(status, "declares " + declared + " bytes, more"));
                        }
                        return body.asByteArray()
                                .doOnNext(this::count)
                                .doOnComplete(() -> completed(status, null));
                    })
                    .onErrorMap(this::mapFailure);
        }

        private Mono<Path> save(ByteBufFlux body, String contentType) {
            return Mono.usingWhen(
                    Mono.fromCallable(() -> PartFile.create(directory)).subscribeOn(Schedulers.boundedElastic()),
                    part -> body.asByteArray()
                            .doOnNext(this::count)
                            .publishOn(Schedulers.boundedElastic(), CHUNKS_IN_FLIGHT)
                            .doOnNext(part::write)
                            .then(Mono.fromCallable(() -> part.moveTo(MediaFileNames.choose(file, contentType),
                                    MediaFileNames.fallback(file, contentType)))),
                    part -> discard(part),
                    (part, error) -> discard(part),
                    part -> discard(part));
        }

        private Mono<Void> discard(PartFile part) {
            return Mono.fromRunnable(part::discard).subscribeOn(Schedulers.boundedElastic()).then();
        }

        /** On the event loop, before the chunk is queued for writing: a body past the limit stops here. */
        private void count(byte[] chunk) {
            received += chunk.length;
            if (received > limit) {
                throw tooLarge(200, "is longer");
            }
        }

        private DownloadException tooLarge(int status, String how) {
            boolean stated = file.fileSize().isPresent() && limit == file.fileSize().getAsLong();
            DownloadException error = new DownloadException(call.describe() + " failed: the body " + how
                    + " than " + (stated ? "the " + limit + " bytes the output stated (file_size)"
                    : "the " + limit + " bytes a download may have (DownloadOptions.maxBytes)") + "; nothing was saved",
                    requestId, status, RateLimitInfo.NONE, null, file.displayUrl());
            completed(status, error);
            return error;
        }

        private DownloadException failed(HttpClientResponse response, int status, String snippet) {
            DownloadException error = new DownloadException(call.describe() + " failed: HTTP " + status
                    + redirectProblem(response, status)
                    + (snippet.isEmpty() ? "" : " (body: " + snippet + ")"), requestId, status,
                    RateLimits.parse(response.responseHeaders(), System.currentTimeMillis()),
                    snippet.isEmpty() ? null : snippet, file.displayUrl());
            completed(status, error);
            return error;
        }

        /** Why a redirect was not followed, when the answer is one. */
        private String redirectProblem(HttpClientResponse response, int status) {
            if (status < 300 || status >= 400) {
                return "";
            }
            String location = response.responseHeaders().get(HttpHeaderNames.LOCATION);
            if (location == null || location.isBlank()) {
                return ", a redirect without a Location";
            }
            if (response.redirectedFrom().length >= MAX_REDIRECTS) {
                return ", redirected " + response.redirectedFrom().length + " times already: not followed further";
            }
            try {
                String scheme = new URI(location.strip()).getScheme();
                if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
                    return ", a redirect to a " + Failures.printable(scheme, 20) + ": URL, which is not followed"
                            + " (http and https only)";
                }
            } catch (URISyntaxException e) {
                return ", a redirect to a malformed Location";
            }
            return ", a redirect that was not followed";
        }

        private Throwable mapFailure(Throwable failure) {
            if (failure instanceof AsyncInvokeException || failure instanceof IllegalArgumentException) {
                return failure;
            }
            if (failure instanceof UncheckedIOException) {
                completed(0, failure);
                return failure;
            }
            return recorder.transportFailure(failure, !Failures.isConnectFailure(failure),
                    text -> redactor.apply(withoutSignature(text)));
        }

        private void completed(int status, Throwable error) {
            recorder.completed(status, error);
        }

        /** {@code text} without the URL's query string, should a network library have quoted it. */
        private String withoutSignature(String text) {
            String query = url.getRawQuery();
            return query == null || query.isEmpty() ? text : text.replace(query, "\u2026");
        }
    }

    private static long declaredLength(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v);
    }

    /**
     * The start of an error body, redacted, printable and on one line; the rest is read and
     * dropped. Far more is kept than shown, so that the redaction sees a whole escaped key before
     * the cut, and the cut never leaves a piece of one.
     */
    private Mono<String> snippet(ByteBufFlux body) {
        return body.asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (kept, chunk) -> {
                    int room = SNIPPET_WINDOW_BYTES - kept.size();
                    if (room > 0) {
                        kept.write(chunk, 0, Math.min(room, chunk.length));
                    }
                    return kept;
                })
                .map(kept -> Failures.oneLine(redactor.apply(kept.toByteArray()), SNIPPET_CHARS))
                .defaultIfEmpty("");
    }


    /**
     * A hidden file in the target directory that receives the body; all its methods do blocking
     * I/O and run on bounded-elastic workers. Disk failures are {@link UncheckedIOException}s, so
     * they are never mistaken for (and retried as) network failures.
     */
    static final class PartFile {
        /**
         * Part files being written, for the shutdown hook: a JVM stopped by Ctrl-C or SIGTERM runs
         * no Reactor cleanup, but it runs shutdown hooks, and must not leave half a file behind.
         */
        private static final Set<PartFile> LIVE = ConcurrentHashMap.newKeySet();

        private final Path directory;
        private final Path path;
        private final FileChannel channel;
        private volatile boolean moved;
        /** Set by {@link #discard()}, which may come from the shutdown hook while a write is under way. */
        private volatile boolean discarded;

        private PartFile(Path directory, Path path, FileChannel channel) {
            this.directory = directory;
            this.path = path;
            this.channel = channel;
        }

        static PartFile create(Path directory) {
            try {
                Files.createDirectories(directory);
                while (true) {
                    Path path = directory.resolve(".async-invoke-" + Long.toHexString(ThreadLocalRandom.current()
                            .nextLong()) + ".part");
                    try {
                        PartFile part = new PartFile(directory, path, FileChannel.open(path,
                                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                        ShutdownCleanup.INSTALLED.hashCode(); // installs the hook on first use
                        LIVE.add(part);
                        return part;
                    } catch (FileAlreadyExistsException taken) {
                        // another download drew the same name: draw again
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write to " + directory + ": " + e, e);
            }
        }

        void write(byte[] chunk) {
            if (discarded) {
                return; // the JVM is stopping, or the download was abandoned: nothing to keep
            }
            try {
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + path + ": " + e, e);
            }
        }

        /**
         * Moves the complete file to {@code name} in the directory, or to {@code name-1},
         * {@code name-2}, ... when taken. The name is first claimed with an exclusive create, so no
         * existing file (nor a concurrent download's) is ever replaced; the rename then swaps in the
         * content atomically. When the file system refuses the name itself (too long, a character
         * it does not take), {@code fallback} is used instead: one odd name never loses a file.
         */
        Path moveTo(String name, String fallback) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + path + ": " + e, e);
            }
            try {
                return claim(name);
            } catch (FileAlreadyExistsException allTaken) {
                throw new UncheckedIOException("Cannot save " + name + " in " + directory + ": " + allTaken, allTaken);
            } catch (IOException | java.nio.file.InvalidPathException refused) {
                if (name.equals(fallback)) {
                    throw new UncheckedIOException("Cannot save " + name + " in " + directory + ": " + refused,
                            refused instanceof IOException ? (IOException) refused : new IOException(refused));
                }
                LOG.debug("the name {} was refused ({}); saving as {}", name, refused.toString(), fallback);
                try {
                    return claim(fallback);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot save " + fallback + " in " + directory + ": " + e, e);
                }
            }
        }

        /** Claims {@code name}, or the first free numbered variant of it, and moves the content there. */
        private Path claim(String name) throws IOException {
            for (int n = 0; n < MAX_NAME_ATTEMPTS; n++) {
                Path target = directory.resolve(n == 0 ? name : MediaFileNames.numbered(name, n));
                try {
                    Files.createFile(target);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                try {
                    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    Files.deleteIfExists(target);
                    throw e;
                }
                moved = true;
                LIVE.remove(this);
                return target;
            }
            throw new FileAlreadyExistsException(directory.resolve(name).toString(), null,
                    "and " + MAX_NAME_ATTEMPTS + " numbered variants exist");
        }

        /** Closes and deletes the part file unless it was moved into place. Never throws. */
        void discard() {
            discarded = true;
            LIVE.remove(this);
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
            if (!moved) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not delete the partial download {}: {}", path, e.toString());
                }
            }
        }

        /** What the shutdown hook does: every part file still being written is deleted. */
        static void discardAllLive() {
            for (PartFile part : LIVE.toArray(new PartFile[0])) {
                part.discard();
            }
        }

        /** The hook, registered once, when the first part file is created. */
        private static final class ShutdownCleanup {
            static final Thread INSTALLED = install();

            private static Thread install() {
                Thread hook = new Thread(PartFile::discardAllLive, "async-invoke-part-file-cleanup");
                try {
                    Runtime.getRuntime().addShutdownHook(hook);
                } catch (IllegalStateException | SecurityException shuttingDown) {
                    // already shutting down, or not allowed: the Reactor cleanup paths remain
                }
                return hook;
            }
        }
    }
}
