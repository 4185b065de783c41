/** Spring Boot auto-configuration of the async-invoke clients from {@code async-invoke.*} properties. */
package io.asyncinvoke.spring.boot;
