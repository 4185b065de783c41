/**
 * Spring AI models over the async-invoke client: {@link io.asyncinvoke.spring.ai.AsyncInvokeImageModel}
 * and {@link io.asyncinvoke.spring.ai.AsyncInvokeTextToSpeechModel}, with their options and the
 * reactive forms Spring AI's interfaces lack.
 */
package io.asyncinvoke.spring.ai;
