package io.asyncinvoke.simulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a simulator in a process of its own until the process is stopped, for harnesses that must
 * keep the simulator's CPU and heap apart from what they measure (start it with
 * {@code java -cp ... io.asyncinvoke.simulator.SimulatorLauncher}). Its settings are system
 * properties, each the {@link Simulator.Builder} setting of that name:
 *
 * <table>
 *   <caption>System properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code asyncinvoke.simulator.port}</td><td>the API's port (0: any free one)</td><td>0</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.media-port}</td><td>the media port</td><td>0</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.api-key}</td><td>the key it accepts</td><td>{@value Simulator#DEFAULT_API_KEY}</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.queued-ms}</td><td>how long each job is QUEUED</td><td>100</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.running-ms}</td><td>how long each job runs</td><td>200</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.submit-status}</td><td>200 or 202</td><td>202</td></tr>
 *   <tr><td>{@code asyncinvoke.simulator.rate-limit}</td><td>requests per minute beyond which it answers 429</td><td>none</td></tr>
 * </table>
 *
 * <p>It keeps no journal (counters only), so it can run for days, and prints one line on stdout
 * once it listens: {@code async-invoke simulator: BASE_URL (key KEY), media MEDIA_BASE_URL}. For a
 * simulator to develop against, with options and a JSON line, use the command line's
 * {@code async-invoke simulator}.
 */
public final class SimulatorLauncher {

    /** The prefix of the system properties it reads. */
    public static final String PREFIX = "asyncinvoke.simulator.";

    private SimulatorLauncher() {
    }

    /** Starts a simulator as the system properties say, prints where it listens, and serves until stopped. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0) {
            throw new IllegalArgumentException("no arguments: the settings are system properties " + PREFIX + "*");
        }
        Simulator sim = fromSystemProperties().journal(false).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "async-invoke-simulator-stop"));
        System.out.println("async-invoke simulator: " + sim.baseUrl() + " (key " + sim.apiKey() + "), media "
                + sim.mediaBaseUrl());
        System.out.flush();
        stopped.await();
    }

    /** A builder with the settings the system properties give; a value that is no number is refused by name. */
    static Simulator.Builder fromSystemProperties() {
        Simulator.Builder b = Simulator.builder()
                .port((int) number("port", 0))
                .mediaPort((int) number("media-port", 0))
                .apiKey(System.getProperty(PREFIX + "api-key", Simulator.DEFAULT_API_KEY))
                .queuedFor(Duration.ofMillis(number("queued-ms", 100)))
                .runningFor(Duration.ofMillis(number("running-ms", 200)))
                .submitStatus((int) number("submit-status", 202));
        long perMinute = number("rate-limit", 0);
        if (perMinute > 0) {
            b.rateLimit((int) Math.min(Integer.MAX_VALUE, perMinute), Duration.ofMinutes(1));
        }
        return b;
    }

    private static long number(String name, long otherwise) {
        String value = System.getProperty(PREFIX + name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be a whole number, not '" + value + "'");
        }
    }
}
