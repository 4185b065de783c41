package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.client.spi.JobCall;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Fault;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ListenersTest {

    @Test
    void theBlockingClientCanWrapAnExistingReactiveOne() {
        AsyncInvokeAsyncClient async = new AsyncInvokeClientBuilder().apiKey("sk-do-test")
                .endpoint("http://127.0.0.1:9").buildAsyncClient();

        assertThat(new AsyncInvokeClient(async).async()).isSameAs(async);
        assertThatThrownBy(() -> new AsyncInvokeClient(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theClientNeedsNeitherMicrometerNorSpring() {
        // Metrics and the Spring starter live in their own modules; this one must build and run without them.
        for (String absent : List.of("io.micrometer.core.instrument.MeterRegistry",
                "org.springframework.context.ApplicationContext")) {
            assertThatThrownBy(() -> Class.forName(absent, false, getClass().getClassLoader()))
                    .as(absent + " on client-reactive's classpath")
                    .isInstanceOf(ClassNotFoundException.class);
        }
        assertThat(new AsyncInvokeClientBuilder().apiKey("sk-do-test").endpoint("http://127.0.0.1:9")
                .listener(AsyncInvokeListener.of()).buildClient()).isNotNull();
    }

    @Test
    void everyEventNamesTheExchangeAndTheWatchItBelongsTo() {
        List<String> events = new CopyOnWriteArrayList<>();
        List<JobCall> calls = new CopyOnWriteArrayList<>();
        AsyncInvokeListener listener = new AsyncInvokeListener() {
            @Override
            public void requestStarted(Exchange exchange) {
                events.add("start " + exchange.operation() + " #" + exchange.attempt() + " "
                        + exchange.call().map(c -> c == calls.get(0) ? "in the watch" : "elsewhere").orElse("alone"));
            }

            @Override
            public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
                events.add("end " + exchange.operation() + " #" + exchange.attempt() + " " + statusCode + " "
                        + exchange.requestId().orElse("-").equals(calls.get(0).requestId().orElse("?")));
            }

            @Override
            public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
                events.add("retry after #" + exchange.attempt());
            }

            @Override
            public void watchStarted(JobCall call) {
                calls.add(call);
                events.add("watch " + call.withSubmit());
            }

            @Override
            public void watchEnded(JobCall call, Throwable error) {
                events.add("watch ended " + (error == null) + " " + call.requestId().isPresent());
            }
        };
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(20)).start()) {
            sim.inject(Fault.status(503).on(Endpoint.GET).times(1));
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .listener(listener)
                    .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(10)))
                    .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(100)).withInterval(Duration.ofMillis(20)))
                    .buildAsyncClient();

            client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x").build()).block(Duration.ofSeconds(20));

            assertThat(events).startsWith("watch true", "start SUBMIT #1 in the watch", "end SUBMIT #1 202 false",
                    "start GET #1 in the watch", "end GET #1 503 true", "retry after #1", "start GET #2 in the watch",
                    "end GET #2 200 true");
            // doFinally runs just after the terminal signal reached block()
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!events.get(events.size() - 1).startsWith("watch ended") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(events).last().isEqualTo("watch ended true true");
        }
    }
}
