/** Spring Boot auto-configuration of the async-invoke Spring AI models, selected by Spring AI's {@code spring.ai.model.*} properties. */
package io.asyncinvoke.spring.ai.autoconfigure;
