package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.model.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code get REQUEST_ID}: print a job as it is now. */
@Command(name = "get", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print a job as it is now (exit code 0 whatever its status).")
final class GetCommand extends JobCommand {

    @Parameters(paramLabel = "REQUEST_ID", description = "The job's request_id.")
    String id;

    GetCommand(Context context) {
        super(context);
    }

    @Override
    void validate() {
        // the client checks the id itself, before sending anything
        requestId = id;
    }

    @Override
    int execute(AsyncInvokeAsyncClient client, Progress progress) {
        Job job = client.get(requestId).timeout(connection.timeout).block();
        printJob(job);
        return OK;
    }
}
