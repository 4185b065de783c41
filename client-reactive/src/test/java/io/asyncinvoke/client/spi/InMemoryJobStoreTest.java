package io.asyncinvoke.client.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** {@link JobStore#inMemory(Clock)} against the contract, its time moved by hand. */
class InMemoryJobStoreTest extends JobStoreContract {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Override
    protected JobStore store() {
        return JobStore.inMemory(clock);
    }

    @Override
    protected void pass(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }
}
