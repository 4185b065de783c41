package io.asyncinvoke.simulator;

import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** The injected faults, in injection order, each with its own counters. */
final class FaultSet {

    private final CopyOnWriteArrayList<Armed> armed = new CopyOnWriteArrayList<>();
    private final Random random;

    FaultSet(Random random) {
        this.random = random;
    }

    private static final class Armed {
        final Fault fault;
        int seen;
        int fired;

        Armed(Fault fault) {
            this.fault = fault;
        }
    }

    void add(Fault fault) {
        armed.add(new Armed(fault));
    }

    void clear() {
        armed.clear();
    }

    /** The first fault that fires for this request, or null. */
    Fault pick(RecordedRequest request) {
        if (armed.isEmpty()) {
            return null;
        }
        for (Armed a : armed) {
            Fault f = a.fault;
            if (!f.endpoint().matches(request.endpoint())) {
                continue;
            }
            if (f.condition() != null && !f.condition().test(request)) {
                continue;
            }
            synchronized (a) {
                if (f.maxTimes() >= 0 && a.fired >= f.maxTimes()) {
                    continue;
                }
                a.seen++;
                if (a.seen <= f.skipFirst()) {
                    continue;
                }
                if (f.probability() < 1 && random.nextDouble() >= f.probability()) {
                    continue;
                }
                a.fired++;
                return f;
            }
        }
        return null;
    }
}
