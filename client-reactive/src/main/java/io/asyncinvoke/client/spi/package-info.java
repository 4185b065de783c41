/**
 * What other code plugs into the client: listeners of its events (with the exchange and watch they
 * belong to), a transport in place of HTTP, and a store that shares the request budget between
 * processes.
 */
package io.asyncinvoke.client.spi;
