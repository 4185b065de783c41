package io.asyncinvoke.spring.boot.sample;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.JobUpdate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * A small application as a user writes one, on whichever Spring Boot line the tests run on:
 * WebFlux, Actuator, tracing with Brave, the starter and {@code client-micrometer}, nothing
 * configured by hand. It streams a job's statuses as Server-Sent Events.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /** Each element is one status change; the last carries the whole job. */
    @RestController
    static class ImageController {
        private final AsyncInvokeAsyncClient client;

        ImageController(AsyncInvokeAsyncClient client) {
            this.client = client;
        }

        @GetMapping(path = "/images", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<JobUpdate> generate(@RequestParam("prompt") String prompt) {
            return client.submitAndWatch(InvokeRequests.image(AsyncInvokeDefaults.IMAGE_MODEL).prompt(prompt).build());
        }
    }

    /** The spans Brave finished, kept for the test (Boot hands every SpanHandler bean to Brave). */
    @Bean
    Spans spans() {
        return new Spans();
    }

    /** A Brave reporter that keeps spans in memory. */
    public static final class Spans extends SpanHandler {
        public final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

        @Override
        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
            if (cause == Cause.FINISHED) {
                finished.add(span);
            }
            return true;
        }
    }
}
