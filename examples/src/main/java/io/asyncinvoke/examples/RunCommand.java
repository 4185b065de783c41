package io.asyncinvoke.examples;

import io.asyncinvoke.client.JobUpdate;
import io.asyncinvoke.model.AsyncInvokeRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code run}: submit, stream the status changes, print the final job, download with --out. */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Submit a job, show its status changes until it ends, print the final job as JSON, "
                + "and save its files with --out.",
                "With neither --base-url nor a key, runs against the embedded simulator."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ClientFactory service;

    @Mixin
    RequestOptions request;

    @Mixin
    OutOption out;

    @ParentCommand
    AsyncInvokeCli cli;

    @Override
    public Integer call() {
        AtomicReference<AsyncInvokeRequest> built = new AtomicReference<>();
        try (Connection connection = service.connect(cli.context(), true, () -> {
            built.set(request.toRequest());
            out.check();
        }); Progress progress = connection.progress()) {
            AtomicReference<String> requestId = new AtomicReference<>();
            JobUpdate last = connection.last(connection.client().submitAndWatch(built.get(), connection.watchOptions())
                    .doOnNext(update -> {
                        requestId.set(update.requestId());
                        progress.status(update.status());
                    }), requestId::get);
            return WatchEnd.finish(connection, progress, cli.stdout(), last, out.dir, requestId.get());
        }
    }
}
