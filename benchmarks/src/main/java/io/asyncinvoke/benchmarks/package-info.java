/** Harnesses and JMH benchmarks comparing the client with raw Reactor Netty and a generated client (not published). */
package io.asyncinvoke.benchmarks;
