/** The reactive client for async-invoke: build one with {@link io.asyncinvoke.client.AsyncInvokeClientBuilder}; options, errors, output views. */
package io.asyncinvoke.client;
