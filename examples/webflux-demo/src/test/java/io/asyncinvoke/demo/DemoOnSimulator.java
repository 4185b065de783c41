package io.asyncinvoke.demo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The demo on a random port and on its simulator whatever the environment holds, with jobs slow
 * enough (1 s queued, 3 s running) and polls frequent enough (every 200 ms) that every status is
 * seen. One set of properties, so all tests share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = DemoApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "demo.simulator.enabled=true",
        "demo.simulator.queued-for=1s",
        "demo.simulator.running-for=3s",
        "async-invoke.polling.first-delay=200ms",
        "async-invoke.polling.interval=200ms",
        "async-invoke.polling.backoff-factor=1.0",
        "async-invoke.polling.timeout=2m"})
@interface DemoOnSimulator {
}
