/** An in-process fake of the async-invoke service over real HTTP, with faults, rate limits and a journal, for tests. */
package io.asyncinvoke.simulator;
