package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.client.spi.TrackedJob;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Jobs that outlive the process that submitted them: each is recorded in a {@link JobStore} under
 * the caller's key before it is submitted, watched by exactly one live instance among all that
 * share the store, and handed to the application's {@link JobCompletionHandler} once it ends.
 *
 * <pre>{@code
 * JobTracker tracker = JobTracker.builder(client)
 *         .store(redisJobStore)                       // JobStore.inMemory() by default
 *         .handler(job -> images.save(job.key(), job.job().orElseThrow()))
 *         .start();
 * tracker.track("order-1042-cover", request).subscribe(); // a replayed key sends nothing
 * }</pre>
 *
 * <p><b>Guarantees</b>, for every instance that shares one store:
 * <ul>
 *   <li><b>Submitted at most once per key.</b> The intent is recorded before the POST; tracking a
 *       key the store knows returns its record and sends nothing. A submit whose answer is lost,
 *       or whose sender dies before recording the request_id, leaves the job
 *       {@link State#OUTCOME_UNKNOWN}: logged, counted, never resubmitted (the API cannot list
 *       jobs, so it cannot be found). A submit the service refused created no job: its record is
 *       removed and the error reaches the caller, so the key can be tracked again.</li>
 *   <li><b>Watched by one instance at a time.</b> Each unfinished job is leased to one instance
 *       (the store decides atomically) and the lease is renewed every fifth of its length. If the
 *       instance dies, another takes its jobs over once the lease lapses, within
 *       {@code lease × 1.2}; {@link #close()} gives the leases up at once. An instance takes at most
 *       its fair share of the jobs nobody owns (the unfinished jobs divided by the live
 *       instances) and at most {@link Builder#capacity} of them. A job the service no longer knows
 *       (404) ends {@link State#EXPIRED}.</li>
 *   <li><b>Handled at least once, marked done once.</b> A finished job is handed to the handlers
 *       (in the order registered, all of them) and marked {@link State#HANDLED} only after they
 *       all succeed. It is handed over again only if the instance running the handlers dies, is
 *       stopped and they do not finish within the shutdown grace, or loses its lease (the store
 *       unreachable for longer than a lease); so handlers that are idempotent for a key run, in
 *       effect, once. A failing handler is retried with exponential backoff, by any instance, up to
 *       {@link Builder#handlerAttempts} times; then the job is {@link State#PARKED}: kept, listed by
 *       {@link #list}, put back in line by {@link #requeue}. With no handler registered, a finished
 *       job is marked handled at once, its output kept in the store.</li>
 * </ul>
 * The store is as durable as it is configured to be (Redis without persistence forgets everything
 * when restarted). While the store is unreachable, records are written again with backoff; a
 * request_id that cannot be recorded within the store retry time is logged at ERROR with its key,
 * so that it is never lost silently.
 *
 * <p>Thread-safe. {@link #start()} it once; {@link #close()} it when the application stops (do not
 * call {@code close()} on an event-loop thread: it waits for the shutdown).
 */
public final class JobTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobTracker.class);

    /** How long a store write that must not be lost (a request_id, an end) is tried again. */
    private static final Duration STORE_RETRY_TIME = Duration.ofMinutes(5);

    private final AsyncInvokeAsyncClient client;
    private final JobStore store;
    private final String owner;
    private final Duration lease;
    private final Duration tick;
    private final int capacity;
    private final List<JobCompletionHandler> handlers;
    private final int handlerAttempts;
    private final Duration handlerBackoff;
    private final Duration handlerMaxBackoff;
    private final Duration handlerTimeout;
    private final Duration shutdownGrace;
    private final PollingOptions pollingOptions;
    private final Clock clock;
    private final Scheduler scheduler;

    /** Jobs this instance holds a lease on, by key. */
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final AtomicInteger submitting = new AtomicInteger();
    private final AtomicInteger handling = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final Object emitLock = new Object();
    private final Sinks.Many<Mono<Void>> tasks = Sinks.many().unicast().onBackpressureBuffer();
    private volatile boolean running;
    /** The store's counts as of the last round that reached it (every state present). */
    private volatile Map<State, Long> lastCounts = Map.of();
    private volatile Disposable loop;
    private volatile Disposable worker;

    /** A job this instance works on; {@code stop} ends the work when the lease is lost or the tracker stops. */
    private static final class Owned {
        final Sinks.Empty<Void> stop = Sinks.empty();
        volatile boolean inSubmit;
        volatile boolean inHandler;

        Owned(boolean inSubmit) {
            this.inSubmit = inSubmit;
        }
    }

    private JobTracker(Builder b) {
        this.client = b.client;
        this.store = b.store;
        this.owner = b.owner != null ? b.owner : defaultOwner();
        this.lease = b.lease;
        this.tick = b.lease.dividedBy(5);
        this.capacity = b.capacity;
        this.handlers = List.copyOf(b.handlers);
        this.handlerAttempts = b.handlerAttempts;
        this.handlerBackoff = b.handlerBackoff;
        this.handlerMaxBackoff = b.handlerMaxBackoff;
        this.handlerTimeout = b.handlerTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.pollingOptions = b.pollingOptions != null ? b.pollingOptions : b.client.pollingOptions();
        this.clock = b.clock;
        this.scheduler = b.scheduler;
    }

    /** A builder of a tracker over {@code client}. */
    public static Builder builder(AsyncInvokeAsyncClient client) {
        return new Builder(client);
    }

    /**
     * Starts taking part: renewing this instance's leases, taking over jobs nobody watches, and
     * resuming those the store still lists under this instance's {@link Builder#owner} (a restart
     * with a stable owner id takes its jobs back at once).
     *
     * @return this tracker
     * @throws IllegalStateException if it was started before
     */
    public JobTracker start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a JobTracker starts once");
        }
        running = true;
        worker = tasks.asFlux().flatMap(task -> task, Integer.MAX_VALUE).subscribe();
        // leases the store still lists under this owner (a restart with a stable id) go back in line first
        loop = store.releaseAll(owner).onErrorResume(e -> Mono.empty())
                .thenMany(Flux.interval(Duration.ZERO, tick, scheduler))
                .onBackpressureDrop()
                .concatMap(i -> round().timeout(lease, scheduler).onErrorResume(this::roundFailed), 1)
                .subscribe();
        LOG.info("Job tracker {} started on {} (lease {})", owner, store, DurationFormat.format(lease));
        return this;
    }

    /**
     * Records the intent to run {@code request} under {@code key}, submits it, and emits the
     * record once the request_id is stored ({@link State#SUBMITTED}, or {@link State#FINISHED} if
     * the service answered it done). The job is then watched and handled in the background.
     *
     * <p>If the store knows {@code key}, emits its record as it is and sends nothing. If the submit's
     * answer is lost, emits the record {@link State#OUTCOME_UNKNOWN}. Fails with the client's error
     * when the service refused the submit (no job exists; the key is free again), and with the
     * store's error when the intent could not be recorded (nothing was sent). Cancelling the
     * subscription does not cancel a submit under way: its outcome is recorded all the same.
     *
     * @throws IllegalArgumentException (on subscription) for a bad key or request, before anything is sent
     */
    public Mono<TrackedJob> track(String key, AsyncInvokeRequest request) {
        return Mono.defer(() -> {
            TrackedJob.checkKey(key);
            Inputs.requireValid(request);
            requireRunning();
            Sinks.One<TrackedJob> result = Sinks.one();
            if (!enqueue(trackTask(key, request, result))) {
                return Mono.error(new IllegalStateException("this JobTracker is stopped"));
            }
            return result.asMono();
        });
    }

    /** The record under {@code key}, or empty. */
    public Mono<TrackedJob> find(String key) {
        return Mono.defer(() -> store.find(TrackedJob.checkKey(key)));
    }

    /** The records in {@code state}: {@link State#PARKED} and {@link State#OUTCOME_UNKNOWN} are the ones to look at. */
    public Flux<TrackedJob> list(State state) {
        return store.list(Objects.requireNonNull(state, "state"));
    }

    /** How many records the store holds in each state (every state present, zero where none). */
    public Mono<Map<State, Long>> counts() {
        return store.counts().map(found -> {
            Map<State, Long> all = new EnumMap<>(State.class);
            for (State s : State.values()) {
                all.put(s, found.getOrDefault(s, 0L));
            }
            return all;
        });
    }

    /**
     * Puts a {@link State#PARKED} job back in line for its handlers, with a fresh count of attempts.
     * Emits the record as requeued; fails with {@link IllegalStateException} if it is not parked,
     * and is empty if the key is unknown or the record changed meanwhile.
     */
    public Mono<TrackedJob> requeue(String key) {
        return find(key).flatMap(record -> store.update(owner, record.requeued(clock.instant())));
    }

    /** This instance's id in the store: who owns a lease. */
    public String owner() {
        return owner;
    }

    /** How many jobs this instance works on now (submitting, watching or handling). */
    public int ownedCount() {
        return owned.size();
    }

    /**
     * How many records the store held in each state at this instance's last round (one every fifth
     * of the lease), without asking the store: for gauges. Empty before the first round.
     */
    public Map<State, Long> lastCounts() {
        return lastCounts;
    }

    /** Whether the store answered this instance's last round (false after a failed one, until one succeeds). */
    public boolean isStoreAnswering() {
        return !failing.get();
    }

    /** Whether it was started and not yet closed. */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops: watches end at once, submits under way and handlers running are given up to the
     * shutdown grace to finish, then every lease this instance holds is released, so that other
     * instances take the jobs over at their next round instead of after the lease.
     */
    public Mono<Void> stop() {
        return Mono.defer(() -> {
            if (!running) {
                return Mono.empty();
            }
            running = false;
            Disposable l = loop;
            if (l != null) {
                l.dispose();
            }
            owned.forEach((key, o) -> {
                if (!o.inSubmit && !o.inHandler) {
                    finish(key, o);
                }
            });
            return Flux.interval(Duration.ZERO, Duration.ofMillis(20), scheduler)
                    .filter(i -> submitting.get() == 0 && handling.get() == 0)
                    .next()
                    .timeout(shutdownGrace, Mono.fromRunnable(() -> LOG.warn(
                            "Job tracker {}: {} submit(s) and {} handler(s) still running after the {} shutdown grace;"
                                    + " their jobs are released and will be taken over", owner, submitting.get(),
                            handling.get(), DurationFormat.format(shutdownGrace))), scheduler)
                    .then(Mono.defer(() -> {
                        owned.forEach(this::finish);
                        return store.releaseAll(owner);
                    }))
                    .flatMap(released -> store.leave(owner).thenReturn(released))
                    .doOnNext(released -> LOG.info("Job tracker {} stopped; {} lease(s) released", owner, released))
                    .onErrorResume(e -> {
                        LOG.warn("Job tracker {} stopped but could not release its leases ({}); other instances "
                                + "take its jobs over when they lapse", owner, e.toString());
                        return Mono.empty();
                    })
                    .doFinally(signal -> {
                        Disposable w = worker;
                        if (w != null) {
                            w.dispose();
                        }
                    })
                    .then();
        });
    }

    /** {@link #stop()}, waiting for it (at most the shutdown grace and a few seconds to release). */
    @Override
    public void close() {
        stop().block(shutdownGrace.plusSeconds(10));
    }

    @Override
    public String toString() {
        return "JobTracker{owner=" + owner + ", store=" + store + ", lease=" + DurationFormat.format(lease)
                + ", owned=" + owned.size() + (running ? "" : ", stopped") + '}';
    }

    // ---- submitting

    private Mono<Void> trackTask(String key, AsyncInvokeRequest request, Sinks.One<TrackedJob> result) {
        return store.insert(TrackedJob.submitting(key, request.getModelId(), owner, clock.instant()), lease)
                .flatMap(insertion -> {
                    if (!insertion.inserted()) {
                        return Mono.just(insertion.job());
                    }
                    Owned o = new Owned(true);
                    owned.put(key, o);
                    submitting.incrementAndGet();
                    TrackedJob intent = insertion.job();
                    // only the submit's own failure says whether a job exists; a later store failure must not forget it
                    return client.submit(request)
                            .flatMapMany(job -> recordAccepted(intent, job),
                                    e -> e instanceof SubmitOutcomeUnknownException
                                            ? recordUnknown(intent, e.getMessage())
                                            : forget(intent).then(Mono.error(e)),
                                    Mono::empty)
                            .singleOrEmpty()
                            .doOnNext(stored -> afterSubmit(key, o, stored))
                            .doOnError(e -> owned.remove(key, o))
                            .doFinally(signal -> submitting.decrementAndGet());
                })
                .doOnNext(result::tryEmitValue)
                .doOnError(result::tryEmitError)
                .doOnCancel(() -> result.tryEmitError(new IllegalStateException("the JobTracker stopped before job "
                        + key + " was recorded; find(key) tells what the store holds")))
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /** Stores the request_id; if another instance meanwhile gave the intent up as unknown, corrects it. */
    private Mono<TrackedJob> recordAccepted(TrackedJob intent, Job job) {
        String requestId = job.getRequestId();
        return Mono.defer(() -> {
                    TrackedJob accepted = intent.submitted(requestId, clock.instant());
                    return store.update(owner, isEnded(job) ? accepted.finished(job, clock.instant()) : accepted)
                            .switchIfEmpty(Mono.defer(() -> recordAcceptedLate(intent.key(), job)));
                })
                .retryWhen(storeRetry())
                .timeout(STORE_RETRY_TIME, scheduler)
                .doOnError(e -> LOG.error("Job tracker {}: job {} was accepted as request_id {} but the store could not "
                        + "record it ({}); watch it by that id", owner, intent.key(), requestId, e.toString()));
    }

    private Mono<TrackedJob> recordAcceptedLate(String key, Job job) {
        return store.find(key).flatMap(now -> {
            boolean stillIntent = now.requestId().isEmpty()
                    && (now.state() == State.SUBMITTING || now.state() == State.OUTCOME_UNKNOWN);
            if (!stillIntent) {
                return Mono.just(now);
            }
            LOG.warn("Job tracker {}: job {} was accepted as {} after its lease lapsed; recording it late",
                    owner, key, job.getRequestId());
            TrackedJob accepted = now.submitted(job.getRequestId(), clock.instant());
            return store.update(owner, isEnded(job) ? accepted.finished(job, clock.instant()) : accepted)
                    .switchIfEmpty(Mono.defer(() -> recordAcceptedLate(key, job)));
        });
    }

    private Mono<TrackedJob> recordUnknown(TrackedJob intent, String problem) {
        LOG.warn("Job tracker {}: job {} may or may not have been created; it is marked {} and not resubmitted: {}",
                owner, intent.key(), State.OUTCOME_UNKNOWN, problem);
        return Mono.defer(() -> store.update(owner, intent.given(State.OUTCOME_UNKNOWN, problem, clock.instant())))
                .retryWhen(storeRetry())
                .timeout(STORE_RETRY_TIME, scheduler)
                .switchIfEmpty(store.find(intent.key()));
    }

    /** The service refused the submit: no job exists, so the intent goes and the key is free again. */
    private Mono<Boolean> forget(TrackedJob intent) {
        return store.delete(owner, intent).onErrorResume(e -> {
            LOG.warn("Job tracker {}: job {} was refused by the service but its intent could not be removed ({}); "
                    + "it will be reported {}", owner, intent.key(), e.toString(), State.OUTCOME_UNKNOWN);
            return Mono.just(false);
        });
    }

    private void afterSubmit(String key, Owned o, TrackedJob stored) {
        o.inSubmit = false;
        if (!running || !owner.equals(stored.owner().orElse(null)) || stored.state().isFinal()) {
            // stopped meanwhile, or another instance has it: the claim round (ours or theirs) takes it from here
            owned.remove(key, o);
            return;
        }
        enqueue(work(key, o, stored));
    }

    // ---- the round: heartbeat, renew, claim

    private Mono<Void> round() {
        List<String> mine = new ArrayList<>(owned.keySet());
        return store.heartbeat(owner, lease)
                .flatMap(live -> store.renew(owner, mine, lease).collectList()
                        .doOnNext(renewed -> dropLost(mine, renewed))
                        .then(counts())
                        .flatMap(counts -> {
                            lastCounts = Map.copyOf(counts);
                            return claimShare(live, counts);
                        }))
                .doOnSuccess(ignored -> {
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("Job tracker {}: the store answers again", owner);
                    }
                });
    }

    private Mono<Void> roundFailed(Throwable e) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Job tracker {}: the store failed ({}); leases are renewed again at the next round, every {}",
                    owner, e.toString(), DurationFormat.format(tick));
        }
        return Mono.empty();
    }

    private void dropLost(List<String> asked, List<String> renewed) {
        Set<String> kept = new HashSet<>(renewed);
        for (String key : asked) {
            Owned o = owned.get(key);
            if (o != null && !kept.contains(key) && !o.inSubmit) {
                LOG.info("Job tracker {}: lost the lease on job {}; another instance has it", owner, key);
                finish(key, o);
            }
        }
    }

    private Mono<Void> claimShare(int live, Map<State, Long> counts) {
        int free = capacity - owned.size();
        if (!running || free <= 0) {
            return Mono.empty();
        }
        long unfinished = counts.get(State.SUBMITTING) + counts.get(State.SUBMITTED) + counts.get(State.FINISHED);
        long share = (unfinished + Math.max(1, live) - 1) / Math.max(1, live);
        long want = Math.min(free, share - owned.size());
        if (want <= 0) {
            return Mono.empty();
        }
        return store.claim(owner, lease, (int) want)
                .doOnNext(this::adopt)
                .then();
    }

    private void adopt(TrackedJob claimed) {
        if (!running) {
            return; // released with the rest at the end of stop()
        }
        Owned o = new Owned(false);
        if (owned.putIfAbsent(claimed.key(), o) != null) {
            return; // already working on it (a lease renewed by the claim)
        }
        enqueue(work(claimed.key(), o, claimed));
    }

    // ---- working on an owned job

    private Mono<Void> work(String key, Owned o, TrackedJob record) {
        Mono<Void> work;
        switch (record.state()) {
            case SUBMITTING:
                work = giveUpIntent(o, record);
                break;
            case SUBMITTED:
                work = watch(o, record);
                break;
            case FINISHED:
                work = handle(o, record);
                break;
            default:
                work = Mono.empty();
        }
        return work.takeUntilOther(o.stop.asMono())
                .onErrorResume(e -> {
                    // the store kept failing: its lease lapses and an instance takes the job over from what is recorded
                    LOG.warn("Job tracker {}: gave job {} up ({}); it is taken over once its lease lapses", owner, key,
                            e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> owned.remove(key, o));
    }

    /** Claimed as an intent: its submitter died before recording the answer, so nobody knows whether the job exists. */
    private Mono<Void> giveUpIntent(Owned o, TrackedJob intent) {
        String problem = "its submitter (" + intent.owner().orElse("?") + ") stopped before recording the submit's answer;"
                + " the job may or may not exist";
        LOG.warn("Job tracker {}: job {} is marked {}: {}", owner, intent.key(), State.OUTCOME_UNKNOWN, problem);
        return write(store.update(owner, intent.given(State.OUTCOME_UNKNOWN, problem, clock.instant()))).then();
    }

    private Mono<Void> watch(Owned o, TrackedJob record) {
        String requestId = record.requestId().orElseThrow();
        return client.watch(requestId, pollingOptions)
                .retryWhen(Retry.indefinitely().filter(AsyncInvokeTimeoutException.class::isInstance))
                .last()
                .flatMap(update -> update.job().map(Mono::just).orElseGet(() -> client.get(requestId)))
                .flatMap(job -> write(store.update(owner, record.finished(job, clock.instant()))))
                .flatMap(finished -> handle(o, finished))
                .onErrorResume(NotFoundException.class, e -> {
                    String problem = "the service no longer knows request_id " + requestId + " (HTTP 404)";
                    LOG.warn("Job tracker {}: job {} {}: {}", owner, record.key(), State.EXPIRED, problem);
                    return write(store.update(owner, record.given(State.EXPIRED, problem, clock.instant()))).then();
                })
                .onErrorResume(e -> !(e instanceof NotFoundException), e -> {
                    LOG.warn("Job tracker {}: watching job {} ({}) failed: {}; it is released and watched again in {}",
                            owner, record.key(), requestId, e.toString(), DurationFormat.format(lease));
                    return store.updateAndRelease(owner, record.noted("watch failed: " + e, clock.instant()), lease)
                            .onErrorResume(ignored -> Mono.empty()).then();
                });
    }

    private Mono<Void> handle(Owned o, TrackedJob finished) {
        if (handlers.isEmpty()) {
            return write(store.update(owner, finished.handled(clock.instant()))).then();
        }
        return Mono.defer(() -> {
            o.inHandler = true;
            handling.incrementAndGet();
            Mono<Void> all = Flux.fromIterable(handlers)
                    .concatMap(handler -> Mono.defer(() -> handler.handle(finished)))
                    .then()
                    .timeout(handlerTimeout, scheduler);
            return all
                    .then(Mono.defer(() -> write(store.update(owner, finished.handled(clock.instant())))
                            .switchIfEmpty(Mono.fromRunnable(() -> LOG.warn("Job tracker {}: job {} was handled but its "
                                    + "record had changed meanwhile; another instance may handle it again", owner,
                                    finished.key())))))
                    .then()
                    .onErrorResume(e -> handlerFailed(finished, e))
                    .doFinally(signal -> {
                        o.inHandler = false;
                        handling.decrementAndGet();
                    });
        });
    }

    private Mono<Void> handlerFailed(TrackedJob finished, Throwable e) {
        String problem = "handler failed: " + (e instanceof java.util.concurrent.TimeoutException
                ? "it did not finish within " + DurationFormat.format(handlerTimeout) : e.toString());
        int attempt = finished.attempts() + 1;
        if (attempt >= handlerAttempts) {
            LOG.error("Job tracker {}: job {} is {} after {} handler attempts; the last {}", owner, finished.key(),
                    State.PARKED, attempt, problem, e);
            return write(store.update(owner, finished.given(State.PARKED, problem, clock.instant()))).then();
        }
        Duration backoff = handlerBackoff(attempt);
        LOG.warn("Job tracker {}: job {}: {} (attempt {} of {}); tried again in {}", owner, finished.key(), problem,
                attempt, handlerAttempts, DurationFormat.format(backoff));
        return write(store.updateAndRelease(owner, finished.handlerFailed(problem, clock.instant()), backoff)).then();
    }

    private Duration handlerBackoff(int attempt) {
        long factor = 1L << Math.min(30, attempt - 1);
        Duration d = handlerBackoff.multipliedBy(factor);
        return d.compareTo(handlerMaxBackoff) > 0 ? handlerMaxBackoff : d;
    }

    // ---- plumbing

    /** A store write that must land: tried again with backoff while the store fails. */
    private <T> Mono<T> write(Mono<T> update) {
        return update.retryWhen(storeRetry()).timeout(STORE_RETRY_TIME, scheduler);
    }

    private Retry storeRetry() {
        return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
                .scheduler(scheduler);
    }

    private void finish(String key, Owned o) {
        o.stop.tryEmitEmpty();
        owned.remove(key, o);
    }

    private boolean enqueue(Mono<Void> task) {
        synchronized (emitLock) {
            return tasks.tryEmitNext(task).isSuccess();
        }
    }

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException(started.get() ? "this JobTracker is stopped" : "start() this JobTracker first");
        }
    }

    private static boolean isEnded(Job job) {
        return job.getStatus() == JobState.COMPLETED || job.getStatus() == JobState.FAILED;
    }

    private static String defaultOwner() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = "host";
        }
        return Failures.printable(host, 60).replace(' ', '_') + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    /** Options of a {@link JobTracker}; {@link #start()} builds and starts one. */
    public static final class Builder {

        private final AsyncInvokeAsyncClient client;
        private JobStore store = JobStore.inMemory();
        private String owner;
        private Duration lease = Duration.ofSeconds(30);
        private int capacity = 1000;
        private final List<JobCompletionHandler> handlers = new ArrayList<>();
        private int handlerAttempts = 5;
        private Duration handlerBackoff = Duration.ofSeconds(1);
        private Duration handlerMaxBackoff = Duration.ofMinutes(1);
        private Duration handlerTimeout = Duration.ofMinutes(5);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private PollingOptions pollingOptions;
        private Clock clock = Clock.systemUTC();
        private Scheduler scheduler = Schedulers.parallel();

        private Builder(AsyncInvokeAsyncClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Where the records live; {@link JobStore#inMemory()} by default (nothing survives the process). */
        public Builder store(JobStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * This instance's id in the store; by default the host name, the process id and a random
         * suffix, unique per run. A stable id (a StatefulSet pod's name) lets a restarted instance
         * take its jobs back at once instead of after the lease. Two live instances must never share one.
         */
        public Builder owner(String owner) {
            this.owner = TrackedJob.checkKey(owner);
            return this;
        }

        /** How long a lease lasts unrenewed: how long a dead instance's jobs wait; 30 s by default, at least 500 ms. */
        public Builder lease(Duration lease) {
            if (lease == null || lease.compareTo(Duration.ofMillis(500)) < 0) {
                throw new IllegalArgumentException("lease must be at least 500ms, not " + DurationFormat.format(lease));
            }
            this.lease = lease;
            return this;
        }

        /** The most jobs this instance takes over from the store at once; 1000 by default. Jobs it submits itself always count. */
        public Builder capacity(int capacity) {
            this.capacity = Inputs.atLeastOne(capacity, "capacity");
            return this;
        }

        /** Adds a handler of finished jobs; all handlers run, in the order added, for each job. */
        public Builder handler(JobCompletionHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** How many times the handlers are tried for one job before it is parked; 5 by default. */
        public Builder handlerAttempts(int attempts) {
            this.handlerAttempts = Inputs.atLeastOne(attempts, "handlerAttempts");
            return this;
        }

        /** The wait after a handler's first failure, doubled after each next one up to {@code max}; 1 s and 1 min by default. */
        public Builder handlerBackoff(Duration first, Duration max) {
            if (first == null || first.isNegative() || max == null || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("handlerBackoff needs 0 <= first <= max, not "
                        + DurationFormat.format(first) + " and " + DurationFormat.format(max));
            }
            this.handlerBackoff = first;
            this.handlerMaxBackoff = max;
            return this;
        }

        /** How long the handlers may take for one job before the attempt counts as failed; 5 min by default. */
        public Builder handlerTimeout(Duration timeout) {
            this.handlerTimeout = positive(timeout, "handlerTimeout");
            return this;
        }

        /** How long {@link JobTracker#stop()} waits for submits and handlers under way; 30 s by default. */
        public Builder shutdownGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, not " + DurationFormat.format(grace));
            }
            this.shutdownGrace = grace;
            return this;
        }

        /** How tracked jobs are watched; the client's options by default. A watch's timeout only restarts it. */
        public Builder pollingOptions(PollingOptions options) {
            this.pollingOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The clock of the records' timestamps (leases run on the store's); the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Builds the tracker without starting it. */
        public JobTracker build() {
            return new JobTracker(this);
        }

        /** Builds and {@linkplain JobTracker#start() starts} the tracker. */
        public JobTracker start() {
            return build().start();
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, not " + DurationFormat.format(d));
            }
            return d;
        }
    }
}
