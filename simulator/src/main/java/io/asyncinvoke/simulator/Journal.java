package io.asyncinvoke.simulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Every request the simulator received (API and media), for assertions. Thread-safe.
 *
 * <p>Counters ({@link #count(Endpoint)}, {@link #countStatus(int)}, {@link #faultsApplied()})
 * are always kept and cost a few adders. The list of {@link RecordedRequest}s is bounded
 * ({@link Simulator.Builder#journalCapacity(int)}, default 20,000, oldest dropped first) and can
 * be switched off for soak tests ({@link Simulator.Builder#journal(boolean)}).
 */
public final class Journal {

    private final boolean enabled;
    private final int capacity;
    private final ConcurrentLinkedDeque<RecordedRequest> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Endpoint, LongAdder> byEndpoint = new EnumMap<>(Endpoint.class);
    private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder faults = new LongAdder();

    Journal(boolean enabled, int capacity) {
        this.enabled = enabled;
        this.capacity = capacity;
        for (Endpoint endpoint : Endpoint.values()) {
            byEndpoint.put(endpoint, new LongAdder());
        }
    }

    long nextSequence() {
        return sequence.getAndIncrement();
    }

    void add(RecordedRequest request) {
        byEndpoint.get(request.endpoint()).increment();
        byEndpoint.get(Endpoint.ANY).increment();
        if (!enabled) {
            return;
        }
        entries.addLast(request);
        if (size.incrementAndGet() > capacity) {
            if (entries.pollFirst() != null) {
                size.decrementAndGet();
            }
        }
    }

    void responded(RecordedRequest request, int status, Fault fault) {
        request.respond(status, fault);
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (fault != null) {
            faults.increment();
        }
    }

    /** Whether requests are recorded one by one (counters are kept either way). */
    public boolean isEnabled() {
        return enabled;
    }

    /** A snapshot of the recorded requests, in arrival order. */
    public List<RecordedRequest> requests() {
        return new ArrayList<>(entries);
    }

    /** The recorded requests of one kind ({@link Endpoint#ANY}: all), in arrival order. */
    public List<RecordedRequest> requests(Endpoint endpoint) {
        return filter(r -> endpoint.matches(r.endpoint()));
    }

    /** The recorded requests that satisfy {@code predicate}, in arrival order. */
    public List<RecordedRequest> filter(Predicate<RecordedRequest> predicate) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : entries) {
            if (predicate.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The status and whole-job polls for one (decoded) request id, in arrival order. */
    public List<RecordedRequest> pollsFor(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        return filter(r -> (r.endpoint() == Endpoint.STATUS || r.endpoint() == Endpoint.GET)
                && requestId.equals(r.requestId()));
    }

    /** The media requests for one request id's files, in arrival order. */
    public List<RecordedRequest> mediaFor(String requestId) {
        return filter(r -> r.endpoint() == Endpoint.MEDIA && requestId.equals(r.requestId()));
    }

    /** The most recent recorded request, or null. */
    public RecordedRequest last() {
        return entries.peekLast();
    }

    /** How many requests of a kind arrived since start or {@link #clear()} ({@link Endpoint#ANY}: all). Always counted. */
    public long count(Endpoint endpoint) {
        return byEndpoint.get(endpoint).sum();
    }

    /** How many answers had this HTTP status (0: no answer, i.e. reset or hang). Always counted. */
    public long countStatus(int status) {
        LongAdder adder = byStatus.get(status);
        return adder == null ? 0 : adder.sum();
    }

    /** How many requests a fault was applied to. Always counted. */
    public long faultsApplied() {
        return faults.sum();
    }

    /** Forget the recorded requests and reset the counters. */
    public void clear() {
        entries.clear();
        size.set(0);
        byEndpoint.values().forEach(LongAdder::reset);
        byStatus.clear();
        faults.reset();
    }

    @Override
    public String toString() {
        return "Journal" + requests();
    }
}
