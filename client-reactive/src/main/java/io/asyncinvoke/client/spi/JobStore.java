package io.asyncinvoke.client.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where a {@link io.asyncinvoke.client.JobTracker} keeps its {@link TrackedJob}s, so that they
 * outlive the process that submitted them and can be shared by every instance of an application.
 * {@link #inMemory()} needs nothing installed and lasts as long as the process;
 * {@code io.asyncinvoke.redis.RedisJobStore} (module {@code async-invoke-client-redis}) is shared
 * by processes on any machines.
 *
 * <p><b>What an implementation must guarantee.</b> Every method is atomic. Records change only
 * through {@link #insert}, {@link #update}, {@link #updateAndRelease} and {@link #delete}, each of
 * which applies only when the record is still at the version the caller read and, if the record
 * has an owner, the caller is that owner; otherwise nothing changes and the method says so. Leases
 * ({@link TrackedJob#owner()} until {@link TrackedJob#leaseUntil()}) are the store's: it measures
 * them on its own clock, so instances on machines whose clocks differ still agree; changing a lease
 * does not change a record's version. A record in a {@linkplain TrackedJob.State#isFinal() final}
 * state has no owner and is never claimed.
 *
 * <p>All methods are non-blocking: they may be called on event-loop threads.
 */
public interface JobStore {

    /** An in-memory store on the system clock: nothing to install, nothing survives the process. */
    static JobStore inMemory() {
        return new InMemoryJobStore(Clock.systemUTC());
    }

    /** An in-memory store whose leases run on {@code clock} (tests in virtual time use a controllable clock). */
    static JobStore inMemory(Clock clock) {
        return new InMemoryJobStore(clock);
    }

    /**
     * Records {@code job} (a new {@link TrackedJob.State#SUBMITTING} intent, version 1) under its
     * key, leased to its owner for {@code lease}, unless the key is known: then the record is left
     * as it is and returned.
     */
    Mono<Insertion> insert(TrackedJob job, Duration lease);

    /** The record under {@code key}, or empty. */
    Mono<TrackedJob> find(String key);

    /**
     * Replaces the record of {@code next.key()} with {@code next} if the stored one is at version
     * {@code next.version() - 1} and owned by {@code owner} (or by nobody). The lease stays as it
     * is, unless {@code next} is final: then the record has no owner from now on.
     *
     * @return the record as stored, or empty if it changed meanwhile or another owner holds it
     */
    Mono<TrackedJob> update(String owner, TrackedJob next);

    /**
     * As {@link #update}, then gives the record up: nobody owns it, and any instance may claim it
     * once {@code claimableIn} has passed ({@link Duration#ZERO}: at once).
     */
    Mono<TrackedJob> updateAndRelease(String owner, TrackedJob next, Duration claimableIn);

    /**
     * Removes the record of {@code expected.key()} if it is still at {@code expected.version()} and
     * owned by {@code owner}; for an intent whose submit provably created no job.
     *
     * @return whether it was removed
     */
    Mono<Boolean> delete(String owner, TrackedJob expected);

    /**
     * Leases to {@code owner}, for {@code lease}, up to {@code max} unfinished records that nobody
     * owns or whose lease lapsed (those released longest ago, or lapsed first, come first). Two
     * callers never receive the same record from one lapse.
     */
    Flux<TrackedJob> claim(String owner, Duration lease, int max);

    /**
     * Extends {@code owner}'s lease on each of {@code keys} to {@code lease} from now.
     *
     * @return the keys it still owned and now holds for {@code lease} more; a key missing from
     *     them was taken over (its lease had lapsed) or finished elsewhere, and its owner must stop
     *     working on it
     */
    Flux<String> renew(String owner, Collection<String> keys, Duration lease);

    /** Gives up every lease {@code owner} holds: those records may be claimed at once. */
    Mono<Long> releaseAll(String owner);

    /**
     * Says {@code owner} is alive for {@code ttl} more, and forgets owners whose time ran out.
     *
     * @return how many owners are alive, {@code owner} included; instances divide the unowned work
     *     among that many
     */
    Mono<Integer> heartbeat(String owner, Duration ttl);

    /** Forgets {@code owner} at once (a clean shutdown). */
    Mono<Void> leave(String owner);

    /** How many records are in each state (states with none may be missing). */
    Mono<Map<TrackedJob.State, Long>> counts();

    /** The records in {@code state}, in no particular order (for a person or a tool to look at). */
    Flux<TrackedJob> list(TrackedJob.State state);

    /** What {@link #insert} did: {@code job} is the record now stored; {@code inserted} says whether it is the given one. */
    record Insertion(TrackedJob job, boolean inserted) {
    }
}
