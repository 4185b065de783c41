package io.asyncinvoke.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.simulator.Simulator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/** Which of the client's errors Spring AI may retry: only those after which no job exists. */
class AiExceptionsTest {

    @Test
    void aWatchThatTimedOutAfterTheSubmitIsNotTransientARetryWouldPayTwice() {
        try (Simulator sim = Simulator.builder().queuedFor(Duration.ofMinutes(5)).start()) {
            AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(sim.baseUrl()).apiKey(sim.apiKey())
                    .pollingOptions(PollingOptions.defaults().withTimeout(Duration.ofMillis(300))).buildAsyncClient();
            Throwable timedOut = catchThrowable(() -> client.invoke(InvokeRequests.image("fal-ai/flux/schnell")
                    .prompt("x").build()).block(Duration.ofSeconds(10)));

            Throwable translated = AiExceptions.translate(timedOut);

            String requestId = ((io.asyncinvoke.client.AsyncInvokeException) timedOut).requestId().orElseThrow();
            assertThat(translated).isInstanceOf(NonTransientAiException.class).hasMessageContaining(requestId);
        }
    }

    @Test
    void aConnectionRefusedBeforeAnyJobIsTransient() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint("http://127.0.0.1:" + port)
                .apiKey("sk-do-0123456789abcdef").retryOptions(RetryOptions.defaults().withMaxAttempts(1))
                .buildAsyncClient();
        Throwable refused = catchThrowable(() -> client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("x")
                .build()).block(Duration.ofSeconds(10)));

        assertThat(AiExceptions.translate(refused)).isInstanceOf(TransientAiException.class);
    }
}
