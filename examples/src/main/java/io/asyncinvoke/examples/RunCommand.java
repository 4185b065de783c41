package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: submit, stream the status changes, print the final job, download with --out. */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Submit a job, show its status changes until it ends, print the final job as JSON, "
                + "and save its files with --out.",
                "With neither --base-url nor a key, runs against the embedded simulator."})
final class RunCommand extends JobCommand {

    @Mixin
    RequestOptions request;

    @Option(names = "--out", paramLabel = "DIR", description = "Save the job's files in this directory.")
    Path out;

    private AsyncInvokeRequest built;

    RunCommand(Context context) {
        super(context);
    }

    @Override
    boolean simulatorWithoutKey() {
        return true;
    }

    @Override
    void validate() {
        built = request.toRequest();
        if (out != null) {
            requireWritableDirectory(out);
        }
    }

    @Override
    int execute(AsyncInvokeAsyncClient client, Progress progress) {
        JobUpdate last = client.submitAndWatch(built, watchOptions(client))
                .doOnNext(update -> {
                    requestId = update.requestId();
                    progress.status(update.status());
                })
                .blockLast();
        return finish(client, progress, last, out);
    }
}
