package io.asyncinvoke.client.reliability;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.client.SubmitOutcomeUnknownException;
import io.asyncinvoke.client.TransportException;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.Tag;
import io.asyncinvoke.simulator.Durations;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.RecordedRequest;
import io.asyncinvoke.simulator.Simulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The soak of docs/RELIABILITY.md: {@code soak.jobs} jobs (10,000 by default) submitted and watched
 * through the simulator, {@code soak.concurrency} at a time, with about 5 % of the requests
 * faulted (seeded mix of kinds). Every job must be accounted for — completed, failed, or a typed
 * error carrying its request_id (or, for a submit whose outcome is unknown, its model) — and no job
 * may have been created twice. The figures are printed and written to {@code soak.report}.
 */
@ExtendWith(RuntimeGuards.class)
class SoakIT {

    private static final String SEQ_TAG = "soak-seq";
    private static final String SCRIPTED_FAILURE = "soak: scripted failure";
    private static final Pattern SEQ_IN_BODY = Pattern.compile("\"key\":\"" + SEQ_TAG + "\",\"value\":\"(\\d+)\"");
    private static final String[] MODELS = {"fal-ai/flux/schnell", "fal-ai/stable-audio-25/text-to-audio",
            "fal-ai/elevenlabs/tts/multilingual-v2"};

    private enum Kind { COMPLETED, FAILED, SUBMIT_UNKNOWN, SUBMIT_NOT_SENT, WATCH_ERROR, UNTYPED }

    private static final class Result {
        final int seq;
        final Kind kind;
        final String requestId;
        final JobUpdate last;
        final Throwable error;

        Result(int seq, Kind kind, String requestId, JobUpdate last, Throwable error) {
            this.seq = seq;
            this.kind = kind;
            this.requestId = requestId;
            this.last = last;
            this.error = error;
        }
    }

    static boolean scriptedToFail(int seq) {
        return seq % 50 == 7;
    }

    static Integer seqOf(AsyncInvokeRequest request) {
        if (request.getTags() != null) {
            for (Tag tag : request.getTags()) {
                if (SEQ_TAG.equals(tag.getKey())) {
                    return Integer.valueOf(tag.getValue());
                }
            }
        }
        return null;
    }

    private static AsyncInvokeRequest request(int seq) {
        switch (seq % 3) {
            case 0:
                return InvokeRequests.image(MODELS[0]).prompt("soak " + seq).numImages(1).tag(SEQ_TAG, String.valueOf(seq)).build();
            case 1:
                return InvokeRequests.audio(MODELS[1]).prompt("soak " + seq).secondsTotal(5).tag(SEQ_TAG, String.valueOf(seq)).build();
            default:
                return InvokeRequests.speech(MODELS[2]).text("soak " + seq).tag(SEQ_TAG, String.valueOf(seq)).build();
        }
    }

    /** About 5 % of each kind of request, mixed kinds; before or after processing as noted. */
    private static List<Fault> faults() {
        List<Fault> faults = new ArrayList<>();
        for (Endpoint poll : new Endpoint[] {Endpoint.STATUS, Endpoint.GET}) {
            for (int status : new int[] {500, 502, 503, 504}) {
                faults.add(Fault.status(status).on(poll).rate(0.005));
            }
            faults.add(Fault.rateLimited(Duration.ofSeconds(1)).on(poll).rate(0.003));
            faults.add(Fault.htmlErrorPage(502).on(poll).rate(0.004));
            faults.add(Fault.connectionReset().on(poll).rate(0.004));
            faults.add(Fault.connectionResetMidResponse().on(poll).rate(0.004));
            faults.add(Fault.truncatedJson().on(poll).rate(0.004));
            faults.add(Fault.malformedJson().on(poll).rate(0.004));
            faults.add(Fault.hang().on(poll).rate(0.001));
            faults.add(Fault.trickle(Duration.ofMillis(2), 16).on(poll).rate(0.006));
        }
        faults.add(Fault.rateLimited(Duration.ofSeconds(1)).on(Endpoint.SUBMIT).rate(0.01));
        faults.add(Fault.status(503).on(Endpoint.SUBMIT).rate(0.008));
        faults.add(Fault.status(500).on(Endpoint.SUBMIT).afterProcessing().rate(0.006));
        faults.add(Fault.connectionReset().on(Endpoint.SUBMIT).rate(0.006));
        faults.add(Fault.connectionResetMidResponse().on(Endpoint.SUBMIT).rate(0.006));
        faults.add(Fault.hang().on(Endpoint.SUBMIT).afterProcessing().rate(0.002));
        faults.add(Fault.truncatedJson().on(Endpoint.SUBMIT).rate(0.006));
        faults.add(Fault.htmlErrorPage(502).on(Endpoint.SUBMIT).rate(0.006));
        return faults;
    }

    @Test
    void everyJobIsAccountedForAndNoneIsCreatedTwice() throws IOException {
        int jobs = Integer.getInteger("soak.jobs", 10_000);
        int concurrency = Integer.getInteger("soak.concurrency", 64);
        long seed = Long.getLong("soak.seed", 20260122L);
        boolean journal = Boolean.parseBoolean(System.getProperty("soak.journal", "true"));

        Set<Integer> created = ConcurrentHashMap.newKeySet();
        AtomicInteger createdTwice = new AtomicInteger();
        // the rate limit is not under test here: a window this large never runs out (remaining never reaches 0)
        Simulator.Builder simulator = Simulator.builder().apiKey(Harness.KEY).seed(seed)
                .queuedFor(Durations.uniform(Duration.ofMillis(5), Duration.ofMillis(30), seed))
                .runningFor(Durations.uniform(Duration.ofMillis(10), Duration.ofMillis(60), seed + 1))
                .rateLimit(10_000_000, Duration.ofSeconds(1))
                .journal(journal);
        if (journal) {
            simulator.journalCapacity(Math.max(20_000, jobs * 10));
        }
        CountingListener listener = new CountingListener();
        // a pool as large as the concurrency; -Dsoak.maxConnections=0 uses Reactor Netty's shared default pool
        int maxConnections = Integer.getInteger("soak.maxConnections", concurrency);
        ConnectionProvider pool = maxConnections > 0
                ? ConnectionProvider.builder("soak").maxConnections(maxConnections).pendingAcquireMaxCount(-1).build()
                : null;
        try (Simulator sim = simulator.start()) {
            // a job-creation ledger: runs on every job the simulator creates, fails none
            sim.failJobsWhere(request -> {
                Integer seq = seqOf(request);
                if (seq != null && !created.add(seq)) {
                    createdTwice.incrementAndGet();
                }
                return false;
            }, "never");
            sim.failJobsWhere(request -> scriptedToFail(seqOf(request)), SCRIPTED_FAILURE);
            faults().forEach(sim::inject);

            AsyncInvokeAsyncClient client = Harness.client(sim.baseUrl())
                    .httpClient(pool != null ? HttpClient.create(pool) : HttpClient.create())
                    // 5 s: long enough that a busy machine does not turn slow answers into timeouts, so the
                    // outcomes follow the injected faults (each injected hang costs 5 s)
                    .connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(5))
                    .retryOptions(RetryOptions.defaults().withMaxAttempts(4).withMinBackoff(Duration.ofMillis(20))
                            .withMaxBackoff(Duration.ofMillis(200)).withJitter(0.5).withMaxServerDelay(Duration.ofSeconds(5)))
                    .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                            .withInterval(Duration.ofMillis(25)).withBackoffFactor(1.0).withMaxInterval(Duration.ofMillis(25))
                            .withJitter(0.2).withTimeout(Duration.ofSeconds(60)))
                    .listener(listener)
                    .buildAsyncClient();

            double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long start = System.nanoTime();
            List<Result> results = Harness.await(Flux.range(0, jobs).flatMap(seq -> one(client, seq), concurrency)
                    .collectList(), Duration.ofMinutes(Math.max(10, jobs / 1000))).value();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            double loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            Report report = new Report(jobs, concurrency, seed, took, results, sim, listener, created, createdTwice.get());
            report.load = String.format("%.1f before, %.1f after", loadBefore, loadAfter);
            report.print();
            report.check();
        } finally {
            if (pool != null) {
                pool.disposeLater().block(Duration.ofSeconds(10));
            }
        }
    }

    private static Mono<Result> one(AsyncInvokeAsyncClient client, int seq) {
        AtomicReference<String> requestId = new AtomicReference<>();
        return client.submitAndWatch(request(seq))
                .doOnNext(update -> requestId.compareAndSet(null, update.requestId()))
                .last()
                .map(update -> new Result(seq, update.state() == JobState.COMPLETED ? Kind.COMPLETED
                        : update.state() == JobState.FAILED ? Kind.FAILED : Kind.UNTYPED, update.requestId(), update, null))
                .onErrorResume(error -> Mono.just(new Result(seq, classify(error, requestId.get()), requestId.get(), null, error)));
    }

    private static Kind classify(Throwable error, String requestId) {
        if (!(error instanceof AsyncInvokeException)) {
            return Kind.UNTYPED;
        }
        if (requestId != null) {
            return Kind.WATCH_ERROR;
        }
        if (error instanceof SubmitOutcomeUnknownException) {
            return Kind.SUBMIT_UNKNOWN;
        }
        boolean provablyNotProcessed = error instanceof RateLimitedException
                || error instanceof TransportException && !((TransportException) error).requestSent();
        return provablyNotProcessed ? Kind.SUBMIT_NOT_SENT : Kind.UNTYPED;
    }

    /** The figures of one run, and the checks on them. */
    private static final class Report {
        final int jobs;
        final int concurrency;
        final long seed;
        final Duration took;
        final List<Result> results;
        final Simulator sim;
        final CountingListener listener;
        final Set<Integer> created;
        final int createdTwice;
        final Map<Kind, Integer> byKind = new TreeMap<>();
        final Map<String, Integer> errorTypes = new TreeMap<>();
        final long posts;
        final long submitRetries;
        final int jobsInSimulator;
        String load = "unknown";

        Report(int jobs, int concurrency, long seed, Duration took, List<Result> results, Simulator sim,
               CountingListener listener, Set<Integer> created, int createdTwice) {
            this.jobs = jobs;
            this.concurrency = concurrency;
            this.seed = seed;
            this.took = took;
            this.results = results;
            this.sim = sim;
            this.listener = listener;
            this.created = created;
            this.createdTwice = createdTwice;
            for (Kind kind : Kind.values()) {
                byKind.put(kind, 0);
            }
            for (Result result : results) {
                byKind.merge(result.kind, 1, Integer::sum);
                if (result.error != null) {
                    errorTypes.merge(result.kind + " " + chain(result.error), 1, Integer::sum);
                }
            }
            this.posts = sim.journal().count(Endpoint.SUBMIT);
            this.submitRetries = listener.retries(Operation.SUBMIT);
            this.jobsInSimulator = sim.jobCount();
        }

        /** An error and its causes by type, e.g. {@code SubmitOutcomeUnknownException < TransportException < ReadTimeoutException}. */
        static String chain(Throwable error) {
            StringBuilder sb = new StringBuilder(error.getClass().getSimpleName());
            for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                sb.append(" < ").append(cause.getClass().getSimpleName());
            }
            return sb.toString();
        }

        Map<String, Integer> faultsByKind() {
            Map<String, Integer> out = new TreeMap<>();
            for (RecordedRequest request : sim.journal().requests()) {
                if (request.fault() != null) {
                    String name = request.fault().kind().name().toLowerCase(java.util.Locale.ROOT)
                            + (request.fault().httpStatus() == 0 ? "" : " " + request.fault().httpStatus())
                            + (request.fault().isAfterProcessing() && request.endpoint() == Endpoint.SUBMIT
                                    && request.fault().kind() != Fault.Kind.TRUNCATED_JSON
                                    && request.fault().kind() != Fault.Kind.CONNECTION_RESET_MID_RESPONSE
                                    ? " (after processing)" : "");
                    out.merge(request.endpoint() + " " + name, 1, Integer::sum);
                }
            }
            return out;
        }

        String text() {
            long requests = sim.journal().count(Endpoint.ANY);
            long faults = sim.journal().faultsApplied();
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("soak: %d jobs, concurrency %d, pool %s, seed %d, JDK %s (%s), %d cores%n", jobs,
                    concurrency, Integer.getInteger("soak.maxConnections", concurrency) > 0
                            ? Integer.getInteger("soak.maxConnections", concurrency) + " connections" : "Reactor Netty default",
                    seed, System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                    Runtime.getRuntime().availableProcessors()));
            sb.append(String.format("duration: %.1f s (%.0f jobs/s); system load average (1 min): %s%n",
                    took.toMillis() / 1000.0, jobs / Math.max(0.001, took.toMillis() / 1000.0), load));
            sb.append(String.format("requests: %d (submit %d, status %d, get %d); faults injected: %d (%.2f %%)%n",
                    requests, posts, sim.journal().count(Endpoint.STATUS), sim.journal().count(Endpoint.GET), faults,
                    100.0 * faults / Math.max(1, requests)));
            if (sim.journal().isEnabled()) {
                faultsByKind().forEach((kind, n) -> sb.append(String.format("  fault %-45s %6d%n", kind, n)));
            }
            sb.append("outcomes:\n");
            byKind.forEach((kind, n) -> sb.append(String.format("  %-16s %6d%n", kind, n)));
            errorTypes.forEach((type, n) -> sb.append(String.format("    %-60s %6d%n", type, n)));
            long notSent = listener.attempts.stream().filter(a -> a.operation == Operation.SUBMIT
                    && a.error instanceof TransportException && !((TransportException) a.error).requestSent()).count();
            sb.append(String.format("submits: %d calls, %d attempts (%d retries after a 429 or a connection failure "
                            + "before sending), %d never left the client, %d POSTs received, %d jobs created, "
                            + "%d created twice%n", jobs, listener.attempts(Operation.SUBMIT), submitRetries, notSent, posts,
                    created.size(), createdTwice));
            sb.append(String.format("client retries: status %d, get %d%n", listener.retries(Operation.STATUS),
                    listener.retries(Operation.GET)));
            return sb.toString();
        }

        void print() throws IOException {
            String text = text();
            System.out.print(text);
            String path = System.getProperty("soak.report");
            if (path != null) {
                Files.writeString(Path.of(path), text, StandardCharsets.UTF_8);
            }
        }

        void check() {
            assertThat(results).as("one result per job").hasSize(jobs);
            assertThat(results.stream().map(r -> r.seq).distinct().count()).isEqualTo(jobs);
            List<Result> untyped = results.stream().filter(r -> r.kind == Kind.UNTYPED).collect(java.util.stream.Collectors.toList());
            assertThat(untyped).as("jobs that ended without a terminal update or a typed error")
                    .extracting(r -> r.seq + ": " + (r.error != null ? r.error : r.last)).isEmpty();

            Map<Integer, Result> bySeq = new HashMap<>();
            results.forEach(r -> bySeq.put(r.seq, r));
            for (Result r : results) {
                switch (r.kind) {
                    case COMPLETED:
                        assertThat(scriptedToFail(r.seq)).as("job %d completed", r.seq).isFalse();
                        assertThat(r.last.job()).get().extracting(Job::getOutput).isNotNull();
                        break;
                    case FAILED:
                        assertThat(scriptedToFail(r.seq)).as("job %d failed", r.seq).isTrue();
                        assertThat(r.last.job()).get().extracting(Job::getError).isEqualTo(SCRIPTED_FAILURE);
                        break;
                    case WATCH_ERROR:
                        assertThat(((AsyncInvokeException) r.error).requestId()).as("the error names its job")
                                .isEqualTo(r.requestId);
                        assertThat(r.error).isNotInstanceOf(AsyncInvokeTimeoutException.class);
                        break;
                    default:
                        break;
                }
                if (r.requestId != null) {
                    assertThat(created).as("job %d has a request_id, so it was created", r.seq).contains(r.seq);
                }
                if (r.kind == Kind.SUBMIT_NOT_SENT) {
                    assertThat(created).as("job %d was provably not processed", r.seq).doesNotContain(r.seq);
                }
            }
            for (int seq : created) {
                Kind kind = bySeq.get(seq).kind;
                assertThat(kind).as("job %d was created, so the client knows it or says the outcome is unknown", seq)
                        .isIn(Kind.COMPLETED, Kind.FAILED, Kind.WATCH_ERROR, Kind.SUBMIT_UNKNOWN);
            }
            assertThat(createdTwice).as("jobs created twice").isZero();
            assertThat(jobsInSimulator).as("jobs in the simulator").isEqualTo(created.size());

            long submitAttempts = listener.attempts(Operation.SUBMIT);
            long notSent = listener.attempts.stream().filter(a -> a.operation == Operation.SUBMIT
                    && a.error instanceof TransportException && !((TransportException) a.error).requestSent()).count();
            assertThat(submitAttempts).as("submit attempts = submit calls + retries").isEqualTo(jobs + submitRetries);
            assertThat(posts).as("POSTs received = submit attempts - attempts that provably never left")
                    .isEqualTo(submitAttempts - notSent);
            assertThat(listener.retries).filteredOn(retry -> retry.operation == Operation.SUBMIT)
                    .as("every retried POST was provably unprocessed")
                    .allSatisfy(retry -> assertThat(retry.cause instanceof RateLimitedException
                            || retry.cause instanceof TransportException && !((TransportException) retry.cause).requestSent())
                            .as(String.valueOf(retry.cause)).isTrue());
            if (sim.journal().isEnabled()) {
                Map<Integer, List<RecordedRequest>> postsBySeq = new HashMap<>();
                for (RecordedRequest post : sim.journal().requests(Endpoint.SUBMIT)) {
                    Matcher m = SEQ_IN_BODY.matcher(post.body());
                    assertThat(m.find()).as(post.body()).isTrue();
                    postsBySeq.computeIfAbsent(Integer.valueOf(m.group(1)), k -> new ArrayList<>()).add(post);
                }
                assertThat(postsBySeq).as("every submit call reached the server").hasSize(jobs);
                postsBySeq.forEach((seq, list) -> {
                    for (RecordedRequest earlier : list.subList(0, list.size() - 1)) {
                        assertThat(earlier.status()).as("job %d was POSTed again after %s", seq, earlier).isEqualTo(429);
                    }
                });
            }
            assertThat(sim.journal().faultsApplied()).as("faults were injected").isPositive();
        }
    }
}
