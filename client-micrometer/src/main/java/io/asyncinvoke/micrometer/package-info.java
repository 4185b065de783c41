/** Micrometer meters for the async-invoke client, as an {@link io.asyncinvoke.client.spi.AsyncInvokeListener}. */
package io.asyncinvoke.micrometer;
