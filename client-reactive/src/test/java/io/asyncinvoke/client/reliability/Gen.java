package io.asyncinvoke.client.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A few seeded generators for the randomized reliability tests, each a plain function of a
 * {@link SplittableRandom}: the same random gives the same value, so a case is replayed by
 * replaying its random. Sizes and numbers are biased the way property-based tools bias them:
 * small values are common, and now and then an edge value (the bounds, 0, ±1, the extremes of
 * the type; the shortest string, an edge char) is mixed in.
 *
 * <p>The run is configured by system properties, which failsafe passes on with defaults (see
 * {@code client-reactive/pom.xml}): {@code random.seed} (default {@value #DEFAULT_SEED}),
 * {@code random.cases.multiplier} (default 1) and {@code random.case} (default {@code all}; a
 * 1-based case number runs only that case).
 */
final class Gen {

    static final long DEFAULT_SEED = 20260122L;

    /** How often an edge value is mixed into a numeric generator. */
    static final double EDGE = 0.05;

    /** How often the shortest string, or an edge char within a string, is mixed in. */
    static final double STRING_EDGE = 0.01;

    /** Sizes up to this far above the minimum are the common ones; larger ones are rarer. */
    private static final int COMMON_SIZE_SPAN = 32;

    private static final long[] EDGE_LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, 0.01, -0.01, 1.0, -1.0, Double.MIN_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE};
    private static final byte[] EDGE_BYTES = {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE};
    private static final char[] EDGE_CHARS = {'\u0000', ' ', 'a', '\uFFFD'};

    private Gen() {
    }

    // ------------------------------------------------------------------ the run's settings

    /** The seed of this run: {@code -Drandom.seed}, else {@value #DEFAULT_SEED}. */
    static long seed() {
        String value = property("random.seed");
        return value == null ? DEFAULT_SEED : Long.parseLong(value);
    }

    /** How many cases a property with {@code base} cases runs: {@code base × -Drandom.cases.multiplier}. */
    static int cases(int base) {
        String value = property("random.cases.multiplier");
        int multiplier = value == null ? 1 : Integer.parseInt(value);
        if (multiplier < 1) {
            throw new IllegalArgumentException("random.cases.multiplier must be at least 1, not " + multiplier);
        }
        return Math.multiplyExact(base, multiplier);
    }

    /** The one case to run ({@code -Drandom.case}, 1-based), or 0 for all of them. */
    static int onlyCase() {
        String value = property("random.case");
        if (value == null || value.equalsIgnoreCase("all")) {
            return 0;
        }
        int only = Integer.parseInt(value);
        if (only < 1) {
            throw new IllegalArgumentException("random.case is 1-based (or 'all'), not " + only);
        }
        return only;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    // ------------------------------------------------------------------ choices

    static boolean chance(SplittableRandom random, double probability) {
        return random.nextDouble() < probability;
    }

    @SafeVarargs
    static <T> T of(SplittableRandom random, T... values) {
        return values[random.nextInt(values.length)];
    }

    static <T> T of(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One of the generators, each as likely as the others, applied. */
    @SafeVarargs
    static <T> T oneOf(SplittableRandom random, Function<SplittableRandom, ? extends T>... generators) {
        return of(random, generators).apply(random);
    }

    /** An index into {@code weights}, each as likely as its weight. */
    static int weighted(SplittableRandom random, int... weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        throw new AssertionError("unreachable");
    }

    // ------------------------------------------------------------------ numbers

    /** An int in {@code [min, max]}, sometimes one of the bounds. */
    static int between(SplittableRandom random, int min, int max) {
        if (chance(random, EDGE)) {
            return random.nextBoolean() ? min : max;
        }
        return random.nextInt(min, max + 1);
    }

    /**
     * A size in {@code [min, max]}: uniform when the range is small; otherwise mostly within
     * {@value #COMMON_SIZE_SPAN} of the minimum, a tenth of the time in the rest of the range,
     * and now and then exactly the minimum.
     */
    static int size(SplittableRandom random, int min, int max) {
        int common = min + COMMON_SIZE_SPAN;
        if (common >= max) {
            return random.nextInt(min, max + 1);
        }
        double p = random.nextDouble();
        if (p < 0.02) {
            return min;
        }
        if (p < 0.12) {
            return random.nextInt(common + 1, max + 1);
        }
        return random.nextInt(min, common + 1);
    }

    /** Any long: an edge value, or one of 1 to 19 digits, fewer digits being likelier. */
    static long anyLong(SplittableRandom random) {
        if (chance(random, EDGE)) {
            return EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
        }
        int digits = 1 + random.nextInt(random.nextInt(1, 20));
        if (digits == 19) {
            return random.nextLong();
        }
        long bound = 1;
        for (int i = 0; i < digits; i++) {
            bound *= 10;
        }
        return random.nextLong(-bound + 1, bound);
    }

    /** Any finite double: an edge value, a small one with two decimals, or one of any magnitude. */
    static double anyDouble(SplittableRandom random) {
        if (chance(random, EDGE)) {
            return EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)];
        }
        if (random.nextBoolean()) {
            return random.nextLong(-100_000, 100_001) / 100.0;
        }
        double value;
        do {
            value = (random.nextBoolean() ? 1 : -1) * random.nextDouble(1, 10) * Math.pow(10, random.nextInt(-2, 309));
        } while (Double.isInfinite(value));
        return value;
    }

    // ------------------------------------------------------------------ collections and text

    static <T> List<T> list(SplittableRandom random, int min, int max, Function<SplittableRandom, ? extends T> element) {
        int size = size(random, min, max);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.apply(random));
        }
        return list;
    }

    /** Bytes of any value, {@code min} to {@code max} of them. */
    static byte[] bytes(SplittableRandom random, int min, int max) {
        byte[] bytes = new byte[size(random, min, max)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = chance(random, EDGE) ? EDGE_BYTES[random.nextInt(EDGE_BYTES.length)] : (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** A string of {@code min} to {@code max} chars in {@code [from, to]}; sometimes the shortest one. */
    static String string(SplittableRandom random, int min, int max, char from, char to) {
        if (chance(random, STRING_EDGE)) {
            return String.valueOf(random.nextBoolean() ? from : to).repeat(min);
        }
        int length = size(random, min, max);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) random.nextInt(from, to + 1));
        }
        return sb.toString();
    }

    /**
     * A string of {@code min} to {@code max} chars of the Basic Multilingual Plane, controls
     * included; no surrogate, private-use or noncharacter (tests that want those add them on
     * purpose). Sometimes the shortest one, of an edge char.
     */
    static String unicode(SplittableRandom random, int min, int max) {
        if (chance(random, STRING_EDGE)) {
            return String.valueOf(EDGE_CHARS[random.nextInt(EDGE_CHARS.length)]).repeat(min);
        }
        int length = size(random, min, max);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(chance(random, STRING_EDGE) ? EDGE_CHARS[random.nextInt(EDGE_CHARS.length)] : unicodeChar(random));
        }
        return sb.toString();
    }

    private static char unicodeChar(SplittableRandom random) {
        while (true) {
            char c = (char) random.nextInt(0x10000);
            boolean excluded = Character.isSurrogate(c)
                    || (c >= '\uE000' && c <= '\uF8FF')   // private use
                    || (c >= '\uFDD0' && c <= '\uFDEF') || c == '\uFFFE' || c == '\uFFFF';   // noncharacters
            if (!excluded) {
                return c;
            }
        }
    }

    /** {@code s} for a failure message: quoted, with controls, surrogates and non-ASCII as {@code \}{@code uXXXX}. */
    static String show(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').append(" (").append(s.length()).append(" chars)").toString();
    }
}
