package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.TrackedJob;
import reactor.core.publisher.Mono;

/**
 * What an application does with a {@linkplain JobTracker tracked} job once it ended: store its
 * output, notify a user, start the next step. Registered with {@link JobTracker.Builder#handler}.
 *
 * <p>A handler gets the record in {@link TrackedJob.State#FINISHED}, with the job as it ended
 * ({@link TrackedJob#job()}: {@code COMPLETED} with its output or {@code FAILED} with its error).
 * The job is marked {@link TrackedJob.State#HANDLED} only once the returned {@code Mono}
 * completes; an error (or a handler that does not finish within
 * {@link JobTracker.Builder#handlerTimeout}) has it tried again later, perhaps by another
 * instance. The same job may be handed over more than once (see {@link JobTracker} for exactly
 * when), so a handler should be idempotent: {@link TrackedJob#key()} is the natural key for it.
 * A handler must not block: it runs on the client's threads.
 */
@FunctionalInterface
public interface JobCompletionHandler {

    /** Handles one finished job; completes when its effects are durable. */
    Mono<Void> handle(TrackedJob job);
}
