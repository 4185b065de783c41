package io.asyncinvoke.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/** The simulator driven by a Reactor Netty client, the way the project's reactive client will use it. */
class ReactiveClientTest {

    private static JsonNode parse(String body) {
        try {
            return TestHttp.JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReactiveWatchSeesEveryStateOnce() {
        try (Simulator sim = Simulator.builder()
                .queuedFor(Duration.ofSeconds(1)).runningFor(Duration.ofSeconds(1)).start()) {
            HttpClient client = HttpClient.create().baseUrl(sim.baseUrl())
                    .headers(h -> h.set("Authorization", "Bearer " + sim.apiKey()));
            Mono<String> submit = client.post().uri("/v1/async-invoke")
                    .send((request, out) -> out.sendString(Mono.just("{\"model_id\":\"fal-ai/flux/schnell\",\"input\":{}}")))
                    .responseSingle((res, body) -> body.asString())
                    .map(body -> parse(body).get("request_id").asText());
            // the first requests of a cold JVM are slow (class loading, pools); keep them out of the timing
            String warmUp = submit.block(Duration.ofSeconds(10));
            client.get().uri("/v1/async-invoke/" + warmUp + "/status")
                    .responseSingle((res, body) -> body.asString()).map(ReactiveClientTest::parse)
                    .block(Duration.ofSeconds(10));
            Flux<String> states = submit.flatMapMany(id -> Flux.interval(Duration.ZERO, Duration.ofMillis(10))
                    .onBackpressureDrop()
                    .concatMap(tick -> client.get().uri("/v1/async-invoke/" + id + "/status")
                            .responseSingle((res, body) -> body.asString()))
                    .map(body -> parse(body).get("status").asText())
                    .distinctUntilChanged()
                    .takeUntil("COMPLETED"::equals));
            StepVerifier.create(states)
                    .expectNext("QUEUED", "IN_PROGRESS", "COMPLETED")
                    .expectComplete()
                    .verify(Duration.ofSeconds(15));
        }
    }

    @Test
    void aReactiveClientSeesTheFaultsToo() {
        try (Simulator sim = Simulator.builder().start()) {
            sim.inject(Fault.status(503).times(2));
            HttpClient client = HttpClient.create().baseUrl(sim.baseUrl());
            Flux<Integer> statuses = Flux.range(0, 3)
                    .concatMap(i -> client.get().uri("/v1/async-invoke/x/status")
                            .responseSingle((res, body) -> body.asString().thenReturn(res.status().code())));
            StepVerifier.create(statuses).expectNext(503, 503, 401).verifyComplete();
        }
    }
}
