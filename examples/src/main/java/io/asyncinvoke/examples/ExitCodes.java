package io.asyncinvoke.examples;

import io.asyncinvoke.client.AuthenticationException;
import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;

/**
 * The exit codes of the command line, and which failure gets which: commands throw, this decides.
 * 2 always means that nothing was sent: options and input are checked before the client is built,
 * and the client checks its own input ({@link IllegalArgumentException}) before sending anything.
 */
final class ExitCodes implements IExitCodeExceptionMapper {

    /** Success: the job completed, or submit/get succeeded. */
    static final int OK = 0;
    /** The job ended FAILED. */
    static final int JOB_FAILED = 1;
    /** A usage error or invalid input: nothing was sent. */
    static final int USAGE = 2;
    /** Authentication failed (401/403). */
    static final int AUTHENTICATION = 3;
    /** Any other API, network or timeout error. */
    static final int OTHER_ERROR = 4;

    @Override
    public int getExitCode(Throwable error) {
        Throwable cause = CommandFailure.causeOf(error);
        if (cause instanceof CommandLine.ParameterException || cause instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (cause instanceof CommandFailure && ((CommandFailure) cause).failedJob().isPresent()) {
            return JOB_FAILED;
        }
        if (cause instanceof AuthenticationException) {
            return AUTHENTICATION;
        }
        return OTHER_ERROR;
    }
}
