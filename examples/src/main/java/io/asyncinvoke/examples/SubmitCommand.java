package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code submit}: submit a job and print it, without waiting. */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Submit a job and print it as accepted (with its request_id); follow it with 'watch'.")
final class SubmitCommand extends JobCommand {

    @Mixin
    RequestOptions request;

    private AsyncInvokeRequest built;

    SubmitCommand(Context context) {
        super(context);
    }

    @Override
    void validate() {
        built = request.toRequest();
    }

    @Override
    int execute(AsyncInvokeAsyncClient client, Progress progress) {
        Job job = client.submit(built).timeout(connection.timeout).block();
        requestId = job.getRequestId();
        progress.status(job.getStatus().getValue());
        printJob(job);
        return OK;
    }
}
