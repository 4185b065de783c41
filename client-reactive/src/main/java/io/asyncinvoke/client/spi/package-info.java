/** What other code plugs into the client: listeners of its events (with the exchange and watch they belong to) and a transport in place of HTTP. */
package io.asyncinvoke.client.spi;
