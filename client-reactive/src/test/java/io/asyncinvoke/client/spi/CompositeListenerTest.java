package io.asyncinvoke.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncinvoke.client.spi.AsyncInvokeListener.Operation;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeListenerTest {

    /** Records each call as "name:method:args". */
    static final class Recorder implements AsyncInvokeListener {
        final String name;
        final List<String> calls;

        Recorder(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void requestStarted(Exchange exchange) {
            calls.add(name + ":requestStarted:" + exchange.operation());
        }

        @Override
        public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
            calls.add(name + ":requestCompleted:" + exchange.operation() + ":" + statusCode);
        }

        @Override
        public void retryScheduled(Exchange exchange, Duration delay, Throwable cause) {
            calls.add(name + ":retryScheduled:" + exchange.operation() + ":" + delay.toMillis());
        }

        @Override
        public void rateLimitWait(Exchange exchange, Duration delay) {
            calls.add(name + ":rateLimitWait:" + delay.toMillis());
        }

        @Override
        public void jobSubmitted(Exchange exchange, Job job) {
            calls.add(name + ":jobSubmitted:" + exchange.modelId().orElse("?"));
        }

        @Override
        public void jobFinished(JobCall call, Job job) {
            calls.add(name + ":jobFinished:" + job.getStatus());
        }

        @Override
        public void watchStarted(JobCall call) {
            calls.add(name + ":watchStarted");
        }

        @Override
        public void watchEnded(JobCall call, Throwable error) {
            calls.add(name + ":watchEnded");
        }
    }

    @Test
    void compositeCallsEveryListenerInOrderForEveryEvent() {
        List<String> calls = new ArrayList<>();
        AsyncInvokeListener both = AsyncInvokeListener.of(new Recorder("a", calls), new Recorder("b", calls));
        JobCall call = new JobCall("r", "fal-ai/flux/schnell", true);
        Exchange submit = new Exchange(Operation.SUBMIT, 1, null, "fal-ai/flux/schnell", null, call);
        Exchange poll = new Exchange(Operation.GET, 2, "r", null, null, call);

        both.requestStarted(poll);
        both.requestCompleted(new Exchange(Operation.STATUS, 1, "r", null, null, null), 503, null, Duration.ofMillis(3));
        both.retryScheduled(poll, Duration.ofMillis(250), null);
        both.rateLimitWait(poll, Duration.ofSeconds(2));
        both.jobSubmitted(submit, new Job().requestId("r"));
        both.jobFinished(call, new Job().requestId("r").status(JobState.FAILED));
        both.watchStarted(call);
        both.watchEnded(call, null);

        assertThat(calls).containsExactly(
                "a:requestStarted:GET", "b:requestStarted:GET",
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
    void attributesHoldAListenersStatePerCall() {
        JobCall call = new JobCall(null, "m", true);
        assertThat(call.<String>attribute(this)).isNull();
        call.attribute(this, "sample");
        assertThat(call.<String>attribute(this)).isEqualTo("sample");
        call.attribute(this, null);
        assertThat(call.<String>attribute(this)).isNull();
        call.submitted("r-1");
        call.submitted("r-2");
        assertThat(call.requestId()).contains("r-1");
    }
}
