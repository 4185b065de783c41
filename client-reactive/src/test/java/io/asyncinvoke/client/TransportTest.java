package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.spi.JobTransport;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.asyncinvoke.model.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** A client on a {@link JobTransport}: the whole watch logic in virtual time, no socket, no key. */
class TransportTest {

    /** A job that completes 90 s after its submit, in whatever time the scheduler keeps. */
    static final class NinetySeconds implements JobTransport {
        final List<Long> polls = new CopyOnWriteArrayList<>();
        long submittedAt;

        @Override
        public Mono<Job> submit(AsyncInvokeRequest request) {
            return Mono.fromCallable(() -> {
                submittedAt = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
                return new Job().requestId("job-1").modelId(request.getModelId()).status(JobState.QUEUED);
            });
        }

        @Override
        public Mono<JobStatus> status(String requestId) {
            return job(requestId).map(job -> new JobStatus().requestId(requestId).status(job.getStatus()));
        }

        @Override
        public Mono<Job> job(String requestId) {
            return Mono.fromCallable(() -> {
                long now = Schedulers.parallel().now(TimeUnit.MILLISECONDS);
                polls.add(now - submittedAt);
                boolean done = now - submittedAt >= 90_000;
                return new Job().requestId(requestId).modelId("m").status(done ? JobState.COMPLETED : JobState.IN_PROGRESS);
            });
        }
    }

    @Test
    void minutesOfWatchingRunInVirtualTimeWithoutAKey() {
        NinetySeconds transport = new NinetySeconds();
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().environment(name -> null).transport(transport)
                .pollingOptions(PollingOptions.defaults().withInterval(Duration.ofSeconds(1)).withBackoffFactor(2)
                        .withMaxInterval(Duration.ofSeconds(20)).withJitter(0))
                .buildAsyncClient();

        StepVerifier.withVirtualTime(() -> client.invoke(InvokeRequests.image("m").prompt("p").build()))
                .thenAwait(Duration.ofMinutes(3))
                .assertNext(job -> assertThat(job.getStatus()).isEqualTo(JobState.COMPLETED))
                .verifyComplete();

        // first delay 500 ms, then 1, 2, 4, 8, 16, 20, 20, 20 s
        assertThat(transport.polls).containsExactly(500L, 1500L, 3500L, 7500L, 15500L, 31500L, 51500L, 71500L, 91500L);
    }
}
