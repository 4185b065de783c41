/** The {@code async-invoke} command line (picocli): run, submit, get, watch, simulator. */
package io.asyncinvoke.examples;
