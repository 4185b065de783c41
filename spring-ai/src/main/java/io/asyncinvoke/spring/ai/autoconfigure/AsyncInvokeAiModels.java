package io.asyncinvoke.spring.ai.autoconfigure;

/** The value that selects this provider in Spring AI's selection properties. */
public final class AsyncInvokeAiModels {

    /** {@code spring.ai.model.image=async-invoke}, {@code spring.ai.model.audio.speech=async-invoke}. */
    public static final String ASYNC_INVOKE = "async-invoke";

    private AsyncInvokeAiModels() {
    }
}
