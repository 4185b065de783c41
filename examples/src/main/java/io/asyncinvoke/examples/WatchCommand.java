package io.asyncinvoke.examples;

import io.asyncinvoke.client.JobUpdate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code watch REQUEST_ID}: follow an existing job to its end. */
@Command(name = "watch", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a job's status changes until it ends, print the final job as JSON, and save its "
                + "files with --out. Works for any job, e.g. one submitted earlier or elsewhere.")
final class WatchCommand implements Callable<Integer> {

    @Mixin
    ClientFactory service;

    @Parameters(paramLabel = "REQUEST_ID", description = "The job's request_id.")
    String id;

    @Mixin
    OutOption out;

    @ParentCommand
    AsyncInvokeCli cli;

    @Override
    public Integer call() {
        // the client checks the id itself, before sending anything
        try (Connection connection = service.connect(cli.context(), false, out::check);
             Progress progress = connection.progress()) {
            JobUpdate last = connection.last(connection.client().watch(id, connection.watchOptions())
                    .doOnNext(update -> progress.status(update.status())), () -> id);
            return WatchEnd.finish(connection, progress, cli.stdout(), last, out.dir, id);
        }
    }
}
