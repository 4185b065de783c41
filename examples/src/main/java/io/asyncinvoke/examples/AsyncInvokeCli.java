package io.asyncinvoke.examples;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code async-invoke} command line: {@code run}, {@code submit}, {@code get} and
 * {@code watch}, {@code batch} for many jobs from a file, and {@code simulator} to serve a simulator of the service until stopped. stdout carries exactly one JSON object, the job as the API returns it; stderr
 * carries the human lines. Exit codes: 0 success, 1 job failed, 2 usage error or invalid input
 * (nothing sent), 3 authentication failure, 4 any other API, network or timeout error.
 *
 * <pre>
 * java -jar examples/target/async-invoke.jar run --prompt "a lighthouse at dusk" --out out/
 * </pre>
 */
@Command(name = "async-invoke", mixinStandardHelpOptions = true, versionProvider = AsyncInvokeCli.Version.class,
        description = "Run fal models on DigitalOcean Serverless Inference as async jobs.",
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success: the job completed, or submit/get succeeded",
                "  1  the job FAILED (the server's message is on stderr)",
                "  2  usage error or invalid input: nothing was sent",
                "  3  authentication failed (401/403)",
                "  4  any other API, network or timeout error (stderr names the request_id)",
                "",
                "The job is printed on stdout as JSON; progress goes to stderr.",
                "The key is read from --api-key or the " + AsyncInvokeDefaults.API_KEY_ENV + " environment variable.",
                "",
                "Offline across processes: 'async-invoke simulator' serves a simulator",
                "on http://127.0.0.1:8089 until Ctrl-C; give the other commands the",
                "--base-url and --api-key it prints."})
public final class AsyncInvokeCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private final Context context;
    private final JsonOut stdout;

    private AsyncInvokeCli(Context context, JsonOut stdout) {
        this.context = context;
        this.stdout = stdout;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        Context context = new Context(System.out, System.err, System::getenv, stderrIsATerminal(),
                Context::demoSimulator);
        System.exit(execute(context, args));
    }

    /**
     * Runs the command line with {@code context} and returns the exit code. Commands throw;
     * {@link ExitCodes} decides the code and {@link ErrorReport} writes what went wrong on stderr.
     */
    static int execute(Context context, String... args) {
        Redaction redaction = Redaction.of(context.env(), args);
        JsonOut stdout = JsonOut.pretty(context.out(), redaction);
        ExitCodes exitCodes = new ExitCodes();
        ErrorReport report = new ErrorReport(context.err(), redaction);
        CommandLine commandLine = new CommandLine(new AsyncInvokeCli(context, stdout))
                .addSubcommand(new RunCommand())
                .addSubcommand(new SubmitCommand())
                .addSubcommand(new GetCommand())
                .addSubcommand(new WatchCommand())
                .addSubcommand(new BatchCommand())
                .addSubcommand(new SimulatorCommand());
        commandLine.setOut(new PrintWriter(context.out(), true));
        commandLine.setErr(new PrintWriter(context.err(), true));
        commandLine.setExitCodeExceptionMapper(exitCodes);
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            report.usage(ex.getMessage(), ex.getCommandLine().getCommandSpec().qualifiedName());
            return exitCodes.getExitCode(ex);
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            report.report(ex, cmd.getCommandSpec().qualifiedName());
            return exitCodes.getExitCode(ex);
        });
        return commandLine.execute(args);
    }

    /** What the commands read and write besides their arguments. */
    Context context() {
        return context;
    }

    /** Where the commands print their JSON. */
    JsonOut stdout() {
        return stdout;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command: run, submit, get, watch, batch or simulator");
    }

    /**
     * Whether stderr is a terminal, for the live elapsed line. {@code System.console()} is null when
     * either stream is redirected; from Java 22 on it may exist anyway, and {@code isTerminal()}
     * tells.
     */
    private static boolean stderrIsATerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true;
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = AsyncInvokeCli.class.getPackage().getImplementationVersion();
            return new String[] {"async-invoke " + (version == null ? "dev" : version) + " (Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
