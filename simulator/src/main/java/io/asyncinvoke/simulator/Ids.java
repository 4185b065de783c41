package io.asyncinvoke.simulator;

import java.util.Random;
import java.util.UUID;

/** Random version-4 UUIDs from a {@link Random} (not SecureRandom, which may block an event loop). */
final class Ids {

    private final Random random;

    Ids(Random random) {
        this.random = random;
    }

    /** A fresh id, e.g. for an error envelope. Not reproducible: envelopes are not seeded. */
    String next() {
        return uuid(random);
    }

    static String uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
