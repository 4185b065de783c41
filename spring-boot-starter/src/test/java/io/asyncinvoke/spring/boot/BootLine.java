package io.asyncinvoke.spring.boot;

import java.util.Arrays;
import java.util.Objects;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * Spring Boot's own auto-configurations that the starter orders itself after, by the names each
 * line gives them: these tests run unchanged on Boot 3.5 (this module) and Boot 4
 * ({@code spring-boot-starter-boot4-tests}).
 */
final class BootLine {

    /** Boot 4 moved Micrometer's auto-configuration out of Actuator into modules of its own. */
    static final boolean BOOT_4 = present("org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration");

    private BootLine() {
    }

    /** Boot's metrics auto-configuration with a simple registry, in random order (Boot sorts them). */
    static AutoConfigurations metrics() {
        return BOOT_4 ? of(
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
                : of(
                "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration");
    }

    /** Boot's observation auto-configuration (the ObservationRegistry). */
    static AutoConfigurations observation() {
        return BOOT_4 ? of("org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
                : of("org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration");
    }

    static String version() {
        return SpringBootVersion.getVersion();
    }

    private static AutoConfigurations of(String... names) {
        return AutoConfigurations.of(Arrays.stream(names).map(BootLine::load).filter(Objects::nonNull)
                .toArray(Class<?>[]::new));
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, BootLine.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is not on the class path of Spring Boot " + version(), e);
        }
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, BootLine.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
