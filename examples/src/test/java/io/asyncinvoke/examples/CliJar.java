package io.asyncinvoke.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged CLI ({@code cli.jar}, by default {@code target/async-invoke.jar}) as the jar tests run it: in a JVM of their own Java. */
final class CliJar {

    static final Path PATH = Path.of(System.getProperty("cli.jar", "target/async-invoke.jar"));

    private CliJar() {
    }

    /** {@code java [jvmOptions] -jar <the jar> [args]}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(PATH.toString());
        command.addAll(List.of(args));
        return command;
    }
}
