package io.asyncinvoke.client.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link JobStore#inMemory()}: one lock around a map, and the unfinished records ordered by when
 * they may be claimed, so that a claim reads only what it takes.
 */
final class InMemoryJobStore implements JobStore {

    /** An unfinished record's place in line: claimable from {@code at}; {@code seq} keeps ties in arrival order. */
    private record Pending(Instant at, long seq, String key) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Clock clock;
    private final Map<String, TrackedJob> records = new HashMap<>();
    private final Map<String, Pending> places = new HashMap<>();
    private final TreeSet<Pending> line = new TreeSet<>();
    private final Map<String, Instant> owners = new HashMap<>();
    private long seq;

    InMemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Mono<Insertion> insert(TrackedJob job, Duration lease) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                TrackedJob known = records.get(job.key());
                if (known != null) {
                    return new Insertion(known, false);
                }
                TrackedJob stored = job.withLease(job.owner().orElseThrow(), now().plus(lease));
                put(stored);
                return new Insertion(stored, true);
            }
        });
    }

    @Override
    public Mono<TrackedJob> find(String key) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                return records.get(key);
            }
        });
    }

    @Override
    public Mono<TrackedJob> update(String owner, TrackedJob next) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                TrackedJob stored = current(owner, next);
                if (stored == null) {
                    return null;
                }
                TrackedJob updated = next.state().isFinal()
                        ? next.withLease(null, null)
                        : next.withLease(stored.owner().orElse(null), stored.leaseUntil().orElse(null));
                put(updated);
                return updated;
            }
        });
    }

    @Override
    public Mono<TrackedJob> updateAndRelease(String owner, TrackedJob next, Duration claimableIn) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                if (current(owner, next) == null) {
                    return null;
                }
                TrackedJob updated = next.state().isFinal()
                        ? next.withLease(null, null)
                        : next.withLease(null, claimableIn.isZero() ? null : now().plus(claimableIn));
                put(updated);
                return updated;
            }
        });
    }

    @Override
    public Mono<Boolean> delete(String owner, TrackedJob expected) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                TrackedJob stored = records.get(expected.key());
                if (stored == null || stored.version() != expected.version()
                        || !owner.equals(stored.owner().orElse(null))) {
                    return false;
                }
                records.remove(expected.key());
                unplace(expected.key());
                return true;
            }
        });
    }

    @Override
    public Flux<TrackedJob> claim(String owner, Duration lease, int max) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Instant now = now();
                List<TrackedJob> taken = new ArrayList<>();
                Iterator<Pending> it = line.iterator();
                List<String> keys = new ArrayList<>();
                while (it.hasNext() && keys.size() < max) {
                    Pending p = it.next();
                    if (p.at().isAfter(now)) {
                        break;
                    }
                    keys.add(p.key());
                }
                for (String key : keys) {
                    TrackedJob claimed = records.get(key).withLease(owner, now.plus(lease));
                    put(claimed);
                    taken.add(claimed);
                }
                return taken;
            }
        }).flatMapIterable(list -> list);
    }

    @Override
    public Flux<String> renew(String owner, Collection<String> keys, Duration lease) {
        List<String> asked = List.copyOf(keys);
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Instant until = now().plus(lease);
                List<String> renewed = new ArrayList<>();
                for (String key : asked) {
                    TrackedJob stored = records.get(key);
                    if (stored != null && !stored.state().isFinal() && owner.equals(stored.owner().orElse(null))) {
                        put(stored.withLease(owner, until));
                        renewed.add(key);
                    }
                }
                return renewed;
            }
        }).flatMapIterable(list -> list);
    }

    @Override
    public Mono<Long> releaseAll(String owner) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                List<TrackedJob> mine = new ArrayList<>();
                for (TrackedJob job : records.values()) {
                    if (owner.equals(job.owner().orElse(null))) {
                        mine.add(job);
                    }
                }
                mine.forEach(job -> put(job.withLease(null, null)));
                return (long) mine.size();
            }
        });
    }

    @Override
    public Mono<Integer> heartbeat(String owner, Duration ttl) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Instant now = now();
                owners.put(owner, now.plus(ttl));
                owners.values().removeIf(until -> !until.isAfter(now));
                return owners.size();
            }
        });
    }

    @Override
    public Mono<Void> leave(String owner) {
        return Mono.fromRunnable(() -> {
            synchronized (this) {
                owners.remove(owner);
            }
        });
    }

    @Override
    public Mono<Map<TrackedJob.State, Long>> counts() {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                Map<TrackedJob.State, Long> counts = new EnumMap<>(TrackedJob.State.class);
                records.values().forEach(job -> counts.merge(job.state(), 1L, Long::sum));
                return counts;
            }
        });
    }

    @Override
    public Flux<TrackedJob> list(TrackedJob.State state) {
        return Mono.fromSupplier(() -> {
            synchronized (this) {
                List<TrackedJob> found = new ArrayList<>();
                records.values().stream().filter(job -> job.state() == state).forEach(found::add);
                return found;
            }
        }).flatMapIterable(list -> list);
    }

    @Override
    public String toString() {
        return "JobStore.inMemory()";
    }

    /** The stored record {@code next} follows, if the caller may write it; {@code null} if not. Holds the lock. */
    private TrackedJob current(String owner, TrackedJob next) {
        TrackedJob stored = records.get(next.key());
        if (stored == null || stored.version() != next.version() - 1) {
            return null;
        }
        String holder = stored.owner().orElse(null);
        return holder == null || holder.equals(owner) ? stored : null;
    }

    /** Stores {@code job} and puts it in line, or out of it. Holds the lock. */
    private void put(TrackedJob job) {
        records.put(job.key(), job);
        unplace(job.key());
        if (!job.state().isFinal()) {
            Pending p = new Pending(job.leaseUntil().orElse(Instant.MIN), seq++, job.key());
            places.put(job.key(), p);
            line.add(p);
        }
    }

    private void unplace(String key) {
        Pending p = places.remove(key);
        if (p != null) {
            line.remove(p);
        }
    }

    private Instant now() {
        return clock.instant();
    }
}
