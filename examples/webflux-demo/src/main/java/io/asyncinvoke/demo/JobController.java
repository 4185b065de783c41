package io.asyncinvoke.demo;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.JobOutput;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.client.MediaFile;
import io.asyncinvoke.client.NotFoundException;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.simulator.Simulator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The page's API: submit a job from the form, then stream its status changes as Server-Sent
 * Events straight from the client's {@code watch} Flux. Every error reaches the page as a short
 * message in JSON ({@code {"error": ...}}) or as a {@code failure} event, never as a stack trace.
 */
@RestController
@RequestMapping("/api")
class JobController {

    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
    static final int MAX_INPUT_LENGTH = 2000;

    private final AsyncInvokeAsyncClient client;
    private final ObjectProvider<Simulator> simulator;

    JobController(AsyncInvokeAsyncClient client, ObjectProvider<Simulator> simulator) {
        this.client = client;
        this.simulator = simulator;
    }

    /** Where the jobs go, for the page's banner. */
    @GetMapping("/info")
    Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        Simulator sim = simulator.getIfAvailable();
        info.put("mode", sim == null ? "service" : "simulator");
        if (sim != null) {
            info.put("fail_word", EmbeddedSimulatorConfiguration.FAIL_WORD);
        }
        return info;
    }

    /**
     * Submits a job from the form fields {@code family} (image, audio, speech) and {@code prompt}
     * or {@code text}. Answers 202 with the job's request_id and status, 400 for bad input (no
     * request is sent), 502 when the service refuses.
     */
    @PostMapping("/jobs")
    Mono<ResponseEntity<Map<String, Object>>> submit(ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            Object checked = check(form);
            if (checked instanceof String) {
                return Mono.just(error(HttpStatus.BAD_REQUEST, (String) checked));
            }
            return client.submit((AsyncInvokeRequest) checked)
                    .map(job -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("request_id", job.getRequestId());
                        body.put("status", job.getStatus().getValue());
                        body.put("model_id", job.getModelId());
                        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
                    })
                    .onErrorResume(AsyncInvokeException.class, e -> Mono.just(error(HttpStatus.BAD_GATEWAY,
                            "The service did not accept the job: " + e.getMessage())));
        });
    }

    /**
     * The job's status changes as Server-Sent Events: a {@code status} event per change (the
     * {@link JobUpdate} as JSON), then one {@code result} event (the media URL, or the job's
     * error), or a {@code failure} event when the watch itself fails. Closing the page cancels
     * the watch, which stops polling.
     */
    @GetMapping(path = "/jobs/{requestId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Object>> events(@PathVariable("requestId") String requestId) {
        return client.watch(requestId)
                .concatMap(update -> update.isTerminal()
                        ? Flux.just(statusEvent(update), resultEvent(update))
                        : Flux.just(statusEvent(update)))
                .onErrorResume(e -> Flux.just(ServerSentEvent.builder((Object) Map.of("message", describe(e, requestId)))
                        .event("failure").build()));
    }

    /** The request, or a message saying what is wrong with the form. */
    private static Object check(MultiValueMap<String, String> form) {
        String familyId = form.getFirst("family");
        Optional<ModelFamily> found = ModelFamily.find(familyId == null ? "" : familyId.trim());
        if (found.isEmpty()) {
            return familyId == null || familyId.isBlank()
                    ? "Choose a model family: image, audio or speech."
                    : "Unknown model family \"" + shorten(familyId) + "\": choose image, audio or speech.";
        }
        ModelFamily family = found.get();
        String input = form.getFirst(family.field);
        if (input == null || input.isBlank()) {
            return "Please enter " + family.what + ".";
        }
        if (input.length() > MAX_INPUT_LENGTH) {
            return "The " + family.field + " is too long: at most " + MAX_INPUT_LENGTH + " characters.";
        }
        try {
            return family.request(input.trim());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static ServerSentEvent<Object> statusEvent(JobUpdate update) {
        return ServerSentEvent.builder((Object) update).event("status").build();
    }

    private static ServerSentEvent<Object> resultEvent(JobUpdate update) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", update.status());
        Job job = update.job().orElse(null);
        if (update.isCompleted() && job != null) {
            media(job).ifPresentOrElse(result::putAll,
                    () -> result.put("error", "The job completed without a media file in its output."));
        } else {
            result.put("error", job != null && job.getError() != null ? job.getError() : "The job ended " + update.status() + ".");
        }
        return ServerSentEvent.builder((Object) result).event("result").build();
    }

    /**
     * The first media file of a completed job: {@code images[0]} of an image model, {@code audio}
     * of an audio or speech model. Only http(s) URLs, so the page never loads anything else.
     */
    static Optional<Map<String, Object>> media(Job job) {
        JobOutput output = JobOutput.of(job);
        if (!output.images().isEmpty()) {
            return file("image", output.images().get(0).file());
        }
        if (!output.audio().isEmpty()) {
            return file("audio", output.audio().get(0).file());
        }
        return Optional.empty();
    }

    private static Optional<Map<String, Object>> file(String kind, MediaFile file) {
        String url = file.url();
        if (!(url.startsWith("https://") || url.startsWith("http://"))) {
            return Optional.empty();
        }
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("kind", kind);
        media.put("url", url);
        file.contentType().ifPresent(contentType -> media.put("content_type", contentType));
        return Optional.of(media);
    }

    private static String describe(Throwable e, String requestId) {
        if (e instanceof IllegalArgumentException) {
            return "Not a valid request id: " + e.getMessage();
        }
        if (e instanceof NotFoundException) {
            return "There is no job " + shorten(requestId) + " (unknown or expired).";
        }
        if (e instanceof AsyncInvokeException) {
            return e.getMessage();
        }
        LOG.error("watch of {} failed", shorten(requestId), e);
        return "Something went wrong on the server; its log has the details.";
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "\u2026";
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        LOG.error("request failed", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on the server; its log has the details.");
    }
}
