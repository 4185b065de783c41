/**
 * Micrometer for the async-invoke client, as {@link io.asyncinvoke.client.spi.AsyncInvokeListener}s:
 * meters ({@link io.asyncinvoke.micrometer.MicrometerAsyncInvokeListener}) and observations of jobs
 * and their HTTP requests, for tracing ({@link io.asyncinvoke.micrometer.ObservationAsyncInvokeListener}).
 */
package io.asyncinvoke.micrometer;
