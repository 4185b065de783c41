package io.asyncinvoke.examples;

import io.asyncinvoke.model.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code get REQUEST_ID}: print a job as it is now. */
@Command(name = "get", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Print a job as it is now (exit code 0 whatever its status).")
final class GetCommand implements Callable<Integer> {

    @Mixin
    ClientFactory service;

    @Parameters(paramLabel = "REQUEST_ID", description = "The job's request_id.")
    String id;

    @ParentCommand
    AsyncInvokeCli cli;

    @Override
    public Integer call() {
        // the client checks the id itself, before sending anything
        try (Connection connection = service.connect(cli.context(), false, () -> { })) {
            Job job = connection.await(connection.client().get(id), id);
            cli.stdout().write(job);
            return ExitCodes.OK;
        }
    }
}
