package io.asyncinvoke.benchmarks;

import io.asyncinvoke.client.RequestBudgetOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * P1 under JMH: polls ({@code GET /v1/async-invoke/{id}}) and whole jobs per second for each contender against the simulator
 * in a child JVM (zero service latency), {@value #IN_FLIGHT} operations in flight. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the client's allocation per poll or per job.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar PollBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PollBenchmark {

    static final int IN_FLIGHT = 32;

    @Param({"raw", "ours", "webclient"})
    public String contender;

    private ExternalSimulator sim;
    private Contender client;
    private String[] ids;

    @Setup(Level.Trial)
    public void start() throws IOException {
        sim = ExternalSimulator.start("--queued-ms", "1", "--running-ms", "0", "--rate-limit", "1000000000");
        Duration every = ClientOverheadBenchmark.POLL_EVERY;
        switch (contender) {
            case "raw":
                client = Contender.raw(sim.baseUrl(), sim.apiKey(), every);
                break;
            case "ours":
                client = Contender.ours("ours", sim.baseUrl(), sim.apiKey(), every, RequestBudgetOptions.disabled());
                break;
            default:
                client = Contender.webclient(sim.baseUrl(), sim.apiKey(), every);
        }
        Contender setup = Contender.raw(sim.baseUrl(), sim.apiKey(), every);
        ids = Flux.range(0, IN_FLIGHT).concatMap(i -> setup.job("seed " + i))
                .map(job -> ((io.asyncinvoke.model.Job) job).getRequestId())
                .collectList().block(Duration.ofMinutes(1)).toArray(new String[0]);
    }

    @TearDown(Level.Trial)
    public void stop() {
        sim.close();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object poll() {
        return Flux.range(0, IN_FLIGHT).flatMap(i -> client.poll(ids[i]), IN_FLIGHT).blockLast();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object wholeJob() {
        return Flux.range(0, IN_FLIGHT).flatMap(i -> client.job("a lighthouse " + i), IN_FLIGHT).blockLast();
    }
}
