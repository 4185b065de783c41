package io.asyncinvoke.simulator;

/**
 * Turns each request the simulator received into its {@link Answer}: the seam between the
 * simulator's listeners and what they answer. The simulator's own dispatcher is the service it
 * simulates (jobs, media files, faults, rate limits); install another with
 * {@link Simulator.Builder#dispatcher(Dispatcher)} to answer anything at all, byte for byte, while
 * the simulator still listens, journals every request and closes its connections.
 *
 * <pre>{@code
 * try (Simulator server = Simulator.builder()
 *         .dispatcher(request -> request.endpoint() == Endpoint.STATUS
 *                 ? Answer.json(200, "{\"request_id\":\"job-1\",\"status\":\"CANCELLING\"}")
 *                 : Answer.status(404))
 *         .start()) {
 *     // ... server.baseUrl(), server.journal()
 * }
 * }</pre>
 *
 * <p>{@link Script} answers a list of answers in turn. A dispatcher runs on an event-loop thread,
 * for both listeners: it must be quick and must not block (a late answer is
 * {@link Answer#delayed(java.time.Duration)}). Should it throw, the request is answered 500.
 */
@FunctionalInterface
public interface Dispatcher {

    /** The answer to {@code request}, which is already in the {@link Journal}. */
    Answer dispatch(RecordedRequest request);
}
