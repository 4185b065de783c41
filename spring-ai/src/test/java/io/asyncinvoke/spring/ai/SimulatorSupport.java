package io.asyncinvoke.spring.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.time.Duration;
import java.util.List;

/** A simulator with quick jobs and a client for it. */
final class SimulatorSupport {

    static final Duration WAIT = Duration.ofSeconds(30);

    private SimulatorSupport() {
    }

    static Simulator start() {
        return Simulator.builder().queuedFor(Duration.ofMillis(20)).runningFor(Duration.ofMillis(40)).start();
    }

    static AsyncInvokeClientBuilder builder(Simulator sim) {
        return new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                .pollingOptions(PollingOptions.defaults().withFirstDelay(Duration.ofMillis(20))
                        .withInterval(Duration.ofMillis(20)).withBackoffFactor(1.0).withTimeout(WAIT))
                .retryOptions(RetryOptions.defaults().withMinBackoff(Duration.ofMillis(5))
                        .withMaxBackoff(Duration.ofMillis(20)));
    }

    static AsyncInvokeAsyncClient client(Simulator sim) {
        return builder(sim).buildAsyncClient();
    }

    /** The body of the last submit, as JSON. */
    static JsonNode lastSubmit(Simulator sim) throws Exception {
        List<io.asyncinvoke.simulator.RecordedRequest> submits = sim.journal().requests(Endpoint.SUBMIT);
        return new ObjectMapper().readTree(submits.get(submits.size() - 1).body());
    }
}
