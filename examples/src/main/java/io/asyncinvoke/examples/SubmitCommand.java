package io.asyncinvoke.examples;

import io.asyncinvoke.model.AsyncInvokeRequest;
import io.asyncinvoke.model.Job;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code submit}: submit a job and print it, without waiting. */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Submit a job and print it as accepted (with its request_id); follow it with 'watch'.")
final class SubmitCommand implements Callable<Integer> {

    @Mixin
    ClientFactory service;

    @Mixin
    RequestOptions request;

    private final Context context;
    private final JsonOut stdout;

    SubmitCommand(Context context, JsonOut stdout) {
        this.context = context;
        this.stdout = stdout;
    }

    @Override
    public Integer call() {
        AtomicReference<AsyncInvokeRequest> built = new AtomicReference<>();
        try (Connection connection = service.connect(context, false, () -> built.set(request.toRequest()));
             Progress progress = connection.progress()) {
            Job job = connection.await(connection.client().submit(built.get()), null);
            progress.status(job.getStatus().getValue());
            stdout.write(job);
            return ExitCodes.OK;
        }
    }
}
