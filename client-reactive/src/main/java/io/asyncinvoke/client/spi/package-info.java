/**
 * What other code plugs into the client: listeners of its events (with the exchange and watch they
 * belong to), a transport in place of HTTP, a store that shares the request budget between
 * processes ({@link io.asyncinvoke.client.spi.BudgetStore}), and a store of tracked jobs
 * ({@link io.asyncinvoke.client.spi.JobStore}, its records {@link io.asyncinvoke.client.spi.TrackedJob})
 * that {@link io.asyncinvoke.client.JobTracker} shares between instances.
 */
package io.asyncinvoke.client.spi;
