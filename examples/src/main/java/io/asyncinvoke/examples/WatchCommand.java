package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.JobUpdate;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watch REQUEST_ID}: follow an existing job to its end. */
@Command(name = "watch", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a job's status changes until it ends, print the final job as JSON, and save its "
                + "files with --out. Works for any job, e.g. one submitted earlier or elsewhere.")
final class WatchCommand extends JobCommand {

    @Parameters(paramLabel = "REQUEST_ID", description = "The job's request_id.")
    String id;

    @Option(names = "--out", paramLabel = "DIR", description = "Save the job's files in this directory.")
    Path out;

    WatchCommand(Context context) {
        super(context);
    }

    @Override
    void validate() {
        // the client checks the id itself, before sending anything
        requestId = id;
        if (out != null) {
            requireWritableDirectory(out);
        }
    }

    @Override
    int execute(AsyncInvokeAsyncClient client, Progress progress) {
        JobUpdate last = client.watch(requestId, watchOptions(client))
                .doOnNext(update -> progress.status(update.status())).blockLast();
        return finish(client, progress, last, out);
    }
}
