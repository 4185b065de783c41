/**
 * The {@code async-invoke} command line (picocli): run, submit, get, watch, batch, simulator. Each command
 * is small and made of shared parts: {@link io.asyncinvoke.examples.ClientFactory} (the connection
 * options, the key, the embedded simulator and the client, as a mixin), {@link
 * io.asyncinvoke.examples.ExitCodes} and {@link io.asyncinvoke.examples.ErrorReport} (commands throw;
 * these decide the exit code and the lines on stderr) and {@link io.asyncinvoke.examples.JsonOut}
 * (stdout, one pretty object or JSON Lines).
 */
package io.asyncinvoke.examples;
