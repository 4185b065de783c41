package io.asyncinvoke.examples;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code submit}: submit a job and print it, without waiting. */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Submit a job and print it as accepted (with its request_id); follow it with 'watch'.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    ClientFactory service;

    @Mixin
    RequestOptions request;

    @ParentCommand
    AsyncInvokeCli cli;

    @Override
    public Integer call() {
        AtomicReference<AsyncInvokeRequest> built = new AtomicReference<>();
        try (Connection connection = service.connect(cli.context(), false, () -> built.set(request.toRequest()));
             Progress progress = connection.progress()) {
            Job job = connection.await(connection.client().submit(built.get()), null);
            progress.status(job.getStatus().getValue());
            cli.stdout().write(job);
            return ExitCodes.OK;
        }
    }
}
