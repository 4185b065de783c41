package io.asyncinvoke.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.netty.channel.Channel;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * An in-process simulator of DigitalOcean Serverless Inference async-invoke, for tests: the three
 * API calls of {@code openapi/openapi.yaml} on one loopback listener (the light status call can be
 * left out, {@link Builder#statusEndpoint(boolean)}), the jobs' output files on a
 * second listener (a different origin), plus scripted failures, fault injection, rate limiting
 * and a journal of every request.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.builder()
 *         .queuedFor(Duration.ofMillis(50))
 *         .runningFor(Duration.ofMillis(100))
 *         .start()) {
 *     sim.inject(Fault.status(503).on(Endpoint.GET).times(2));
 *     // point the client at sim.baseUrl() with sim.apiKey() ...
 *     assertThat(sim.journal().count(Endpoint.SUBMIT)).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Jobs go QUEUED, IN_PROGRESS, then COMPLETED (or FAILED when scripted), driven by the time
 * since their submit (default 100 ms queued, 200 ms running); their state is computed when read,
 * so there is no timer per job. Every method is thread-safe. The request handling never blocks,
 * so the simulator can run under BlockHound.
 *
 * <p>What it answers is its {@link Dispatcher}'s: by default the simulated service (a
 * {@code JobBook} of jobs behind the three calls, the faults, the rate limit); a test that needs
 * answers the service never gives installs its own with {@link Builder#dispatcher(Dispatcher)},
 * e.g. a {@link Script}, and keeps the listeners and the journal.
 */
public final class Simulator implements AutoCloseable {

    /** The API key a simulator accepts unless told otherwise. */
    public static final String DEFAULT_API_KEY = "sk-do-simulator";

    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final Journal journal;
    private final FaultSet faults;
    private final JobBook book;
    private volatile String apiKey;

    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder acceptedConnections = new LongAdder();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LoopResources loops;
    private final DisposableServer apiServer;
    private final List<DisposableServer> mediaServers = new ArrayList<>();
    private final String baseUrl;
    private final String mediaBaseUrl;

    private Simulator(Builder b) {
        this.apiKey = b.apiKey;
        Random seeds = b.seed != null ? new Random(b.seed) : new Random();
        Random idRandom = new Random(seeds.nextLong());
        Random outputRandom = new Random(seeds.nextLong());
        this.faults = new FaultSet(new Random(seeds.nextLong()));
        this.book = new JobBook(idRandom, outputRandom, b.queued, b.running, b.queuedByModel, b.runningByModel,
                b.families);
        this.journal = new Journal(b.journal, b.journalCapacity);
        RateLimiter rateLimiter = b.rateLimit > 0
                ? new RateLimiter(b.rateLimit, b.rateWindow, true)
                : new RateLimiter(RateLimiter.DEFAULT_LIMIT, RateLimiter.DEFAULT_WINDOW, false);
        // error envelopes' ids are not seeded
        Ids ids = new Ids(new Random());
        Dispatcher dispatcher = b.dispatcher != null ? b.dispatcher
                : new ServiceDispatcher(book, faults, rateLimiter, b.rateLimitHeaders, ids, this::mediaBaseUrl,
                        b.submitStatus, b.extraFields, b.statusEndpoint);

        Handler handler = new Handler(journal, dispatcher, this::authorizes, ids);
        this.loops = LoopResources.create("async-invoke-sim", 1, 2, true, false);
        DisposableServer api = null;
        try {
            api = HttpServer.create()
                    .runOn(loops, false)
                    .bindAddress(() -> new InetSocketAddress(LOOPBACK, b.port))
                    .httpRequestDecoder(spec -> spec.maxInitialLineLength(64 * 1024))
                    .doOnChannelInit((observer, channel, remote) -> track(channel, true))
                    .handle(handler::api)
                    .bindNow(Duration.ofSeconds(10));
            HttpServer media = HttpServer.create()
                    .runOn(loops, false)
                    .httpRequestDecoder(spec -> spec.maxInitialLineLength(64 * 1024))
                    .doOnChannelInit((observer, channel, remote) -> track(channel, false))
                    .handle(handler::media);
            DisposableServer media4 = media.bindAddress(() -> new InetSocketAddress(LOOPBACK, b.mediaPort))
                    .bindNow(Duration.ofSeconds(10));
            mediaServers.add(media4);
            try {
                // "localhost" may resolve to ::1 first; answer there too when the machine has IPv6
                mediaServers.add(media.bindAddress(() -> new InetSocketAddress("::1", media4.port()))
                        .bindNow(Duration.ofSeconds(2)));
            } catch (RuntimeException noIpv6) {
                LOG.debug("media listener on [::1] not available: {}", noIpv6.toString());
            }
        } catch (RuntimeException e) {
            if (api != null) {
                api.disposeNow();
            }
            mediaServers.forEach(DisposableServer::disposeNow);
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
            throw e;
        }
        this.apiServer = api;
        this.baseUrl = "http://" + LOOPBACK + ":" + api.port();
        this.mediaBaseUrl = "http://localhost:" + mediaServers.get(0).port();
        LOG.debug("simulator started: api {} media {}", baseUrl, mediaBaseUrl);
    }

    private void track(Channel channel, boolean api) {
        if (channel instanceof ServerChannel) {
            return;
        }
        channels.add(channel);
        if (api) {
            openConnections.incrementAndGet();
            acceptedConnections.increment();
        }
        channel.closeFuture().addListener(f -> {
            channels.remove(channel);
            if (api) {
                openConnections.decrementAndGet();
            }
        });
        if (closed.get()) {
            channel.close();
        }
    }

    /** A builder with the defaults described on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ addresses and key

    /** The API base URL, e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The media base URL the outputs point to, e.g. {@code http://localhost:41235}: another
     * origin than {@link #baseUrl()} (other host name, other port).
     */
    public String mediaBaseUrl() {
        return mediaBaseUrl;
    }

    /** The API listener's port. */
    public int port() {
        return apiServer.port();
    }

    /** The media listener's port. */
    public int mediaPort() {
        return mediaServers.get(0).port();
    }

    /** The API key currently accepted, or null after {@link #revokeKey()}. */
    public String apiKey() {
        return apiKey;
    }

    /** Accept {@code key} from now on (and no longer the previous one), e.g. to simulate a rotation. */
    public void setApiKey(String key) {
        this.apiKey = Objects.requireNonNull(key, "key");
    }

    /** Accept no key at all from now on: every API call answers 401, as when a key is revoked mid-watch. */
    public void revokeKey() {
        this.apiKey = null;
    }

    boolean authorizes(String authorization) {
        String key = apiKey;
        if (key == null || authorization == null) {
            return false;
        }
        String value = authorization.trim();
        return value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)
                && value.substring(7).trim().equals(key);
    }

    // ------------------------------------------------------------------ journal and connections

    /** Every request received, with counters. */
    public Journal journal() {
        return journal;
    }

    /** The TCP connections currently open on the API listener (for asserting that pools release them). */
    public int openConnections() {
        return openConnections.get();
    }

    /** The TCP connections accepted on the API listener since start (for asserting reuse). */
    public long acceptedConnections() {
        return acceptedConnections.sum();
    }

    // ------------------------------------------------------------------ faults

    /** Add a fault; it applies to matching requests from now on (see {@link Fault}). */
    public Simulator inject(Fault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
        return this;
    }

    /** Remove every injected fault. Requests already hanging or delayed stay so. */
    public void clearFaults() {
        faults.clear();
    }

    // ------------------------------------------------------------------ jobs

    /**
     * Jobs submitted from now on whose request satisfies {@code predicate} end FAILED with
     * {@code errorMessage} (after their normal queued and running time). The first matching rule wins.
     * The predicate runs on an event-loop thread when the submit arrives: it must be quick and must not block.
     */
    public Simulator failJobsWhere(Predicate<AsyncInvokeRequest> predicate, String errorMessage) {
        book.failWhere(predicate, errorMessage);
        return this;
    }

    /** The next {@code n} jobs submitted end FAILED with {@code errorMessage}; checked before {@link #failJobsWhere}. */
    public Simulator failNextJobs(int n, String errorMessage) {
        book.failNext(n, errorMessage);
        return this;
    }

    /** Forget {@link #failJobsWhere} and {@link #failNextJobs}; jobs already submitted keep their fate. */
    public void clearFailures() {
        book.clearFailures();
    }

    /**
     * Force the {@code status} a job reports from now on to any raw string. A known value
     * ({@code COMPLETED}, {@code FAILED}, ...) ends or holds the job there, with consistent
     * timestamps and output or error; an unknown one (e.g. {@code CANCELLED}) is served verbatim
     * with neither output nor error. Returns false when no such job exists.
     */
    public boolean overrideStatus(String requestId, String rawStatus) {
        return book.override(requestId, rawStatus, System.nanoTime());
    }

    /** Forget a job: its polls and media answer 404 from now on. Returns false when it did not exist. */
    public boolean expire(String requestId) {
        return book.expire(requestId);
    }

    /** How many jobs exist (submitted and not expired). */
    public int jobCount() {
        return book.size();
    }

    /**
     * The job as a whole-job poll would answer it now, as the generated model (an unknown raw
     * status reads as {@code JobState.UNKNOWN_DEFAULT_OPEN_API}); empty when unknown or expired.
     */
    public Optional<Job> job(String requestId) {
        JobBook.Read read = book.read(requestId, System.nanoTime());
        if (read == null) {
            return Optional.empty();
        }
        JsonNode node = Json.job(read.job(), read.view(), mediaBaseUrl, false);
        try {
            return Optional.of(Json.MAPPER.treeToValue(node, Job.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops both listeners: open connections are closed (hung and delayed responses are released
     * with them), the ports are freed and the simulator's event-loop threads end. Idempotent;
     * blocks the caller for a moment, so do not call it on an event loop.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Channel channel : channels) {
            channel.close();
        }
        apiServer.disposeNow(Duration.ofSeconds(5));
        for (DisposableServer media : mediaServers) {
            media.disposeNow(Duration.ofSeconds(5));
        }
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        LOG.debug("simulator stopped: {}", baseUrl);
    }

    @Override
    public String toString() {
        return "Simulator[" + baseUrl + ", media " + mediaBaseUrl + ", " + book.size() + " jobs]";
    }

    /** Configures and {@linkplain #start() starts} a {@link Simulator}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private String apiKey = DEFAULT_API_KEY;
        private int submitStatus = 202;
        private boolean extraFields;
        private boolean statusEndpoint = true;
        private RateLimitHeaders rateLimitHeaders = RateLimitHeaders.RATELIMIT;
        private Long seed;
        private int port;
        private int mediaPort;
        private boolean journal = true;
        private int journalCapacity = 20_000;
        private int rateLimit;
        private Duration rateWindow = RateLimiter.DEFAULT_WINDOW;
        private Supplier<Duration> queued = Durations.fixed(Duration.ofMillis(100));
        private Supplier<Duration> running = Durations.fixed(Duration.ofMillis(200));
        private final Map<String, Supplier<Duration>> queuedByModel = new HashMap<>();
        private final Map<String, Supplier<Duration>> runningByModel = new HashMap<>();
        private final Map<String, Family> families = new HashMap<>();
        private Dispatcher dispatcher;

        private Builder() {
        }

        /** The API key to accept (default {@value Simulator#DEFAULT_API_KEY}). */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** The status a successful submit answers: 202 (default) or 200; the spec allows both. */
        public Builder submitStatus(int status) {
            if (status != 200 && status != 202) {
                throw new IllegalArgumentException("submit answers 200 or 202, not " + status);
            }
            this.submitStatus = status;
            return this;
        }

        /**
         * Add fields the spec does not know to every job and status body
         * ({@code "priority":1,"region":"nyc","metadata":{...}}), to check that clients ignore them. Default off.
         */
        public Builder extraFields(boolean extraFields) {
            this.extraFields = extraFields;
            return this;
        }

        /**
         * Whether {@code GET /v1/async-invoke/{request_id}/status} exists (default true). The
         * vendor documents it only in a how-to guide; {@code false} serves a service without it,
         * where that path answers 404 like any unknown path (and is journaled as
         * {@link Endpoint#STATUS}).
         */
        public Builder statusEndpoint(boolean served) {
            this.statusEndpoint = served;
            return this;
        }

        /** Which rate-limit headers every API answer carries (default {@link RateLimitHeaders#RATELIMIT}). */
        public Builder rateLimitHeaders(RateLimitHeaders family) {
            this.rateLimitHeaders = Objects.requireNonNull(family, "family");
            return this;
        }

        /** Seed the random choices (request ids, output seeds, fault rates) for reproducible runs. Default: random. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The API port (default 0: a free one). Both listeners bind to loopback only. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The media port (default 0: a free one). */
        public Builder mediaPort(int port) {
            this.mediaPort = port;
            return this;
        }

        /** Record each request (default true). Counters are kept either way; switch off for soak tests. */
        public Builder journal(boolean enabled) {
            this.journal = enabled;
            return this;
        }

        /** How many requests the journal keeps before dropping the oldest (default 20,000). */
        public Builder journalCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity < 1");
            }
            this.journalCapacity = capacity;
            return this;
        }

        /**
         * Enforce a sliding-window rate limit over all API requests: beyond {@code limit} requests
         * within {@code window}, answer 429 with {@code Retry-After}. Without it nothing is
         * enforced and the headers report a limit of 5000 per minute.
         */
        public Builder rateLimit(int limit, Duration window) {
            if (limit < 1 || window == null || window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("rate limit needs limit >= 1 and a positive window");
            }
            this.rateLimit = limit;
            this.rateWindow = window;
            return this;
        }

        /** How long every job stays QUEUED (default 100 ms). */
        public Builder queuedFor(Duration duration) {
            return queuedFor(Durations.fixed(duration));
        }

        /** How long every job stays QUEUED, drawn per job (see {@link Durations}). */
        public Builder queuedFor(Supplier<Duration> duration) {
            this.queued = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** How long every job stays IN_PROGRESS (default 200 ms). */
        public Builder runningFor(Duration duration) {
            return runningFor(Durations.fixed(duration));
        }

        /** How long every job stays IN_PROGRESS, drawn per job (see {@link Durations}). */
        public Builder runningFor(Supplier<Duration> duration) {
            this.running = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** How long jobs of one model stay QUEUED, overriding the default. */
        public Builder queuedFor(String modelId, Duration duration) {
            return queuedFor(modelId, Durations.fixed(duration));
        }

        /** How long jobs of one model stay QUEUED, drawn per job, overriding the default. */
        public Builder queuedFor(String modelId, Supplier<Duration> duration) {
            queuedByModel.put(Objects.requireNonNull(modelId, "modelId"), Objects.requireNonNull(duration, "duration"));
            return this;
        }

        /** How long jobs of one model stay IN_PROGRESS, overriding the default. */
        public Builder runningFor(String modelId, Duration duration) {
            return runningFor(modelId, Durations.fixed(duration));
        }

        /** How long jobs of one model stay IN_PROGRESS, drawn per job, overriding the default. */
        public Builder runningFor(String modelId, Supplier<Duration> duration) {
            runningByModel.put(Objects.requireNonNull(modelId, "modelId"), Objects.requireNonNull(duration, "duration"));
            return this;
        }

        /** The output family of one model, overriding the guess from its id ({@link Family#guess}). */
        public Builder family(String modelId, Family family) {
            families.put(Objects.requireNonNull(modelId, "modelId"), Objects.requireNonNull(family, "family"));
            return this;
        }

        /**
         * Answer every request of both listeners with {@code dispatcher} instead of the simulated
         * service (default: the service, with its jobs, faults, scripted failures and rate limit,
         * none of which then apply): for answers the service never gives, byte for byte. The
         * listeners, the journal, {@link #openConnections()} and {@link #close()} work as ever.
         * See {@link Dispatcher} and {@link Script}.
         */
        public Builder dispatcher(Dispatcher dispatcher) {
            this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
            return this;
        }

        /** Binds both listeners and returns the running simulator; close it when done. */
        public Simulator start() {
            return new Simulator(this);
        }
    }
}
