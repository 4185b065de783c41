package io.asyncinvoke.spring.ai;

import io.asyncinvoke.client.ApiException;
import io.asyncinvoke.client.AsyncInvokeException;
import io.asyncinvoke.client.AsyncInvokeTimeoutException;
import io.asyncinvoke.client.AuthenticationException;
import io.asyncinvoke.client.DecodeException;
import io.asyncinvoke.client.HttpResponseException;
import io.asyncinvoke.client.JobFailedException;
import io.asyncinvoke.client.NotFoundException;
import io.asyncinvoke.client.RateLimitedException;
import io.asyncinvoke.client.SubmitOutcomeUnknownException;
import io.asyncinvoke.client.TransportException;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/**
 * The client's errors as Spring AI's: {@link TransientAiException} where the same call may succeed
 * later (429, 5xx, a lost connection or timeout of a read, a watch that timed out), else
 * {@link NonTransientAiException}: a failed job ({@link JobFailedAiException}), 401/403, 404,
 * other 4xx, a refused certificate, an answer that is not the API's JSON, and a submit whose
 * outcome is unknown (retrying it could pay for the same job twice). Each keeps the client's exception (with the request_id when known) as
 * its cause; the message names the request_id too. Input the library refuses stays an
 * {@link IllegalArgumentException}, as Spring AI's providers throw for bad options.
 */
final class AiExceptions {

    private AiExceptions() {
    }

    static Throwable translate(Throwable failure) {
        if (failure instanceof JobFailedException) {
            return new JobFailedAiException((JobFailedException) failure);
        }
        if (!(failure instanceof AsyncInvokeException)) {
            return failure;
        }
        AsyncInvokeException error = (AsyncInvokeException) failure;
        String message = error.getMessage() + error.requestId()
                .filter(id -> error.getMessage() == null || !error.getMessage().contains(id))
                .map(id -> " (request_id " + id + ")").orElse("");
        return isTransient(error) ? new TransientAiException(message, error) : new NonTransientAiException(message, error);
    }

    static boolean isTransient(AsyncInvokeException error) {
        if (error instanceof SubmitOutcomeUnknownException) {
            return false;
        }
        if ((error instanceof AsyncInvokeTimeoutException || error instanceof TransportException)
                && error.requestId().isPresent()) {
            // the job exists (its watch or download failed): calling again would submit, and pay for, another
            return false;
        }
        if (error instanceof RateLimitedException || error instanceof AsyncInvokeTimeoutException) {
            return true;
        }
        if (error instanceof TransportException) {
            // a refused certificate would be refused again; a lost connection or a timeout may not recur
            return !causedBy(error, javax.net.ssl.SSLException.class)
                    && !causedBy(error, java.security.cert.CertificateException.class);
        }
        if (error instanceof AuthenticationException || error instanceof NotFoundException) {
            return false;
        }
        if (error instanceof DecodeException) {
            // an answer that is not the API's JSON (the client already retried cut bodies)
            return false;
        }
        if (error instanceof HttpResponseException) {
            int status = ((HttpResponseException) error).statusCode();
            return status == 429 || status >= 500;
        }
        return !(error instanceof ApiException);
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
