package io.asyncinvoke.client;

/** Builds a request for any model, with input fields set by name. */
public final class ModelRequestBuilder extends InvokeRequestBuilder<ModelRequestBuilder> {

    ModelRequestBuilder(String modelId) {
        super(modelId);
    }
}
