/** A WebFlux page that streams a job's status changes as Server-Sent Events. */
package io.asyncinvoke.demo;
