package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.AsyncInvokeListener.Operation;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {

    /** Records each call as "method:args". */
    static final class Recorder implements AsyncInvokeListener {
        final String name;
        final List<String> calls;

        Recorder(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void requestCompleted(Operation operation, int statusCode, Throwable error, Duration duration) {
            calls.add(name + ":requestCompleted:" + operation + ":" + statusCode);
        }

        @Override
        public void retryScheduled(Operation operation, Duration delay, Throwable cause) {
            calls.add(name + ":retryScheduled:" + operation + ":" + delay.toMillis());
        }

        @Override
        public void rateLimitWait(Duration delay) {
            calls.add(name + ":rateLimitWait:" + delay.toMillis());
        }

        @Override
        public void jobSubmitted(String modelId) {
            calls.add(name + ":jobSubmitted:" + modelId);
        }

        @Override
        public void jobFinished(Job job) {
            calls.add(name + ":jobFinished:" + job.getStatus());
        }

        @Override
        public void watchStarted() {
            calls.add(name + ":watchStarted");
        }

        @Override
        public void watchEnded() {
            calls.add(name + ":watchEnded");
        }
    }

    @Test
    void compositeCallsEveryListenerInOrderForEveryEvent() {
        List<String> calls = new ArrayList<>();
        AsyncInvokeListener both = AsyncInvokeListener.of(new Recorder("a", calls), new Recorder("b", calls));

        both.requestCompleted(Operation.STATUS, 503, null, Duration.ofMillis(3));
        both.retryScheduled(Operation.GET, Duration.ofMillis(250), null);
        both.rateLimitWait(Duration.ofSeconds(2));
        both.jobSubmitted("fal-ai/flux/schnell");
        both.jobFinished(new Job().requestId("r").status(JobState.FAILED));
        both.watchStarted();
        both.watchEnded();

        assertThat(calls).containsExactly(
                "a:requestCompleted:STATUS:503", "b:requestCompleted:STATUS:503",
                "a:retryScheduled:GET:250", "b:retryScheduled:GET:250",
                "a:rateLimitWait:2000", "b:rateLimitWait:2000",
                "a:jobSubmitted:fal-ai/flux/schnell", "b:jobSubmitted:fal-ai/flux/schnell",
                "a:jobFinished:FAILED", "b:jobFinished:FAILED",
                "a:watchStarted", "b:watchStarted",
                "a:watchEnded", "b:watchEnded");
    }

    @Test
    void compositeForwardsEveryMethodOfTheInterface() {
        // A method added to the interface later must be forwarded too, or its default no-op would swallow it.
        for (Method method : AsyncInvokeListener.class.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isSynthetic()) {
                continue;
            }
            assertThat(Arrays.stream(CompositeListener.class.getDeclaredMethods())
                    .anyMatch(m -> m.getName().equals(method.getName())
                            && Arrays.equals(m.getParameterTypes(), method.getParameterTypes())))
                    .as("CompositeListener forwards %s", method)
                    .isTrue();
        }
    }

    @Test
    void trivialCompositesAreNotWrapped() {
        AsyncInvokeListener one = new Recorder("a", new ArrayList<>());

        assertThat(AsyncInvokeListener.of()).isSameAs(AsyncInvokeListener.NONE);
        assertThat(AsyncInvokeListener.of(List.of())).isSameAs(AsyncInvokeListener.NONE);
        assertThat(AsyncInvokeListener.of(one)).isSameAs(one);
        assertThat(AsyncInvokeListener.of(AsyncInvokeListener.NONE, one, AsyncInvokeListener.NONE)).isSameAs(one);
        assertThatThrownBy(() -> AsyncInvokeListener.of(one, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theBlockingClientCanWrapAnExistingReactiveOne() {
        AsyncInvokeAsyncClient async = new AsyncInvokeClientBuilder().apiKey("sk-do-test")
                .endpoint("http://127.0.0.1:9").buildAsyncClient();

        assertThat(new AsyncInvokeClient(async).async()).isSameAs(async);
        assertThatThrownBy(() -> new AsyncInvokeClient(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theClientNeedsNeitherMicrometerNorSpring() {
        // Metrics and the Spring starter live in their own modules; this one must build and run without them.
        for (String absent : List.of("io.micrometer.core.instrument.MeterRegistry",
                "org.springframework.context.ApplicationContext")) {
            assertThatThrownBy(() -> Class.forName(absent, false, getClass().getClassLoader()))
                    .as(absent + " on client-reactive's classpath")
                    .isInstanceOf(ClassNotFoundException.class);
        }
        assertThat(new AsyncInvokeClientBuilder().apiKey("sk-do-test").endpoint("http://127.0.0.1:9")
                .listener(AsyncInvokeListener.of()).buildClient()).isNotNull();
    }
}
