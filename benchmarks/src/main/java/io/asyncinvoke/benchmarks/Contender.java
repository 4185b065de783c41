package io.asyncinvoke.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.asyncinvoke.benchmarks.generated.ApiClient;
import io.asyncinvoke.benchmarks.generated.api.AsyncInvokeApi;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.AsyncInvokeJson;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One way of talking to the service, for the side-by-side benchmarks: this library, the raw
 * Reactor Netty floor (a), and openapi-generator's webclient client (b). Each does the same
 * requests: a poll is one {@code GET /v1/async-invoke/{id}} parsed into the job model; a job is a
 * submit, then polls every {@code pollEvery}, the first {@code pollEvery} after the submit, until one
 * shows the end, which is the result ({@code ContenderTest} counts them).
 */
interface Contender {

    String MODEL = "fal-ai/flux/schnell";

    String name();

    /** One poll: {@code GET /v1/async-invoke/{id}}, parsed. */
    Mono<?> poll(String requestId);

    /** Submit, then poll until the job ends. */
    Mono<?> job(String prompt);

    /** This library, with a fixed schedule polling every {@code pollEvery}. */
    static Contender ours(String name, String baseUrl, String key, Duration pollEvery, RequestBudgetOptions budget) {
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(baseUrl).apiKey(key)
                .httpClient(ownPool(name))
                .requestBudget(budget)
                .pollingOptions(PollingOptions.defaults().withFirstDelay(pollEvery).withInterval(pollEvery)
                        .withBackoffFactor(1).withJitter(0))
                .buildAsyncClient();
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mono<?> poll(String requestId) {
                return client.get(requestId);
            }

            @Override
            public Mono<?> job(String prompt) {
                return client.invoke(InvokeRequests.image(MODEL).prompt(prompt).build());
            }
        };
    }

    /** (a) Reactor Netty's HttpClient and Jackson by hand: the floor. */
    static Contender raw(String baseUrl, String key, Duration pollEvery) {
        String name = "(a) raw Reactor Netty + Jackson";
        return raw(name, ownPool(name), baseUrl, key, pollEvery);
    }

    /**
     * (a) with the one thing every production client needs and the floor leaves out: a response
     * timeout (Reactor Netty adds and removes a read-timeout handler, with its timer, per request).
     */
    static Contender rawWithResponseTimeout(String baseUrl, String key, Duration pollEvery) {
        String name = "(a') raw + response timeout";
        return raw(name, ownPool(name).responseTimeout(Duration.ofSeconds(30)), baseUrl, key, pollEvery);
    }

    /**
     * {@code HttpClient.create()} with the global pool's defaults, but a pool of its own: contenders
     * sharing connections would carry each other's per-connection state (and pay for its setup).
     * The webclient contender keeps the global pool, as Spring's connector does by default.
     */
    private static HttpClient ownPool(String name) {
        return HttpClient.create(ConnectionProvider.create(name));
    }

    private static Contender raw(String name, HttpClient base, String baseUrl, String key, Duration pollEvery) {
        ObjectMapper mapper = AsyncInvokeJson.newObjectMapper();
        ObjectReader jobReader = mapper.readerFor(Job.class);
        ObjectWriter requestWriter = mapper.writerFor(AsyncInvokeRequest.class);
        HttpClient http = base.baseUrl(baseUrl)
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                        .set(HttpHeaderNames.ACCEPT, "application/json"));
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mono<Job> poll(String requestId) {
                return http.get().uri("/v1/async-invoke/" + requestId)
                        .responseSingle((response, body) -> body.asByteArray()
                                .map(bytes -> read(jobReader, response.status().code(), bytes)));
            }

            @Override
            public Mono<Job> job(String prompt) {
                return Mono.fromCallable(() -> requestWriter.writeValueAsBytes(
                                InvokeRequests.image(MODEL).prompt(prompt).build()))
                        .flatMap(bytes -> http.post().uri("/v1/async-invoke")
                                .send((request, out) -> {
                                    request.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
                                    return out.sendByteArray(Mono.just(bytes));
                                })
                                .responseSingle((response, body) -> body.asByteArray()
                                        .map(b -> this.<Job>readAs(jobReader, response.status().code(), b))))
                        .flatMap(submitted -> Mono.defer(() -> poll(submitted.getRequestId()))
                                .filter(s -> s.getStatus() == JobState.COMPLETED || s.getStatus() == JobState.FAILED)
                                .repeatWhenEmpty(ticks -> ticks.delayElements(pollEvery))
                                // the first poll, like ours, pollEvery after the submit
                                .delaySubscription(pollEvery));
            }

            private <T> T readAs(ObjectReader reader, int status, byte[] bytes) {
                return read(reader, status, bytes);
            }
        };
    }

    private static <T> T read(ObjectReader reader, int status, byte[] bytes) {
        if (status / 100 != 2) {
            throw new IllegalStateException("HTTP " + status);
        }
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (b) openapi-generator's webclient client, generated from the same spec, used plainly. */
    static Contender webclient(String baseUrl, String key, Duration pollEvery) {
        ApiClient apiClient = new ApiClient();
        apiClient.setBasePath(baseUrl);
        apiClient.setBearerToken(key);
        AsyncInvokeApi api = new AsyncInvokeApi(apiClient);
        return new Contender() {
            @Override
            public String name() {
                return "(b) openapi-generator webclient";
            }

            @Override
            public Mono<?> poll(String requestId) {
                return api.getAsyncInvoke(requestId);
            }

            @Override
            public Mono<?> job(String prompt) {
                io.asyncinvoke.benchmarks.generated.model.AsyncInvokeRequest request =
                        new io.asyncinvoke.benchmarks.generated.model.AsyncInvokeRequest().modelId(MODEL)
                                .input(new io.asyncinvoke.benchmarks.generated.model.ModelInput().prompt(prompt));
                return api.submitAsyncInvoke(request)
                        .flatMap(submitted -> Mono.defer(() -> api.getAsyncInvoke(submitted.getRequestId()))
                                .filter(s -> s.getStatus() == io.asyncinvoke.benchmarks.generated.model.JobState.COMPLETED
                                        || s.getStatus() == io.asyncinvoke.benchmarks.generated.model.JobState.FAILED)
                                .repeatWhenEmpty(ticks -> ticks.delayElements(pollEvery))
                                .delaySubscription(pollEvery));
            }
        };
    }
}
