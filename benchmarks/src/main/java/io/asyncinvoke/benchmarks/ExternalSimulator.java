package io.asyncinvoke.benchmarks;

import io.asyncinvoke.simulator.Simulator;
import io.asyncinvoke.simulator.SimulatorLauncher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulator in a child JVM on loopback, so that the CPU time and heap a harness measures are
 * the client's alone. Started with the harness's own class path (the shaded benchmarks jar).
 */
final class ExternalSimulator implements AutoCloseable {

    private final Process process;
    private final String baseUrl;

    private ExternalSimulator(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts {@link SimulatorLauncher} on a free port with {@code args} (e.g. {@code --queued-ms 1}),
     * each pair passed as its system property ({@code -Dasyncinvoke.simulator.queued-ms=1}).
     */
    static ExternalSimulator start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-XX:+UseParallelGC");
        for (int i = 0; i + 1 < args.length; i += 2) {
            command.add("-D" + SimulatorLauncher.PREFIX + args[i].substring(2) + "=" + args[i + 1]);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SimulatorLauncher.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            int at = line.indexOf("async-invoke simulator: ");
            if (at >= 0) {
                String url = line.substring(at + "async-invoke simulator: ".length()).split(" ")[0];
                Thread drain = new Thread(() -> drain(out), "simulator-output");
                drain.setDaemon(true);
                drain.start();
                return new ExternalSimulator(process, url);
            }
        }
        process.destroyForcibly();
        throw new IOException("the simulator process ended before it was listening");
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard: the child only prints warnings
            }
        } catch (IOException ended) {
            // the child was stopped
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    String apiKey() {
        return Simulator.DEFAULT_API_KEY;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
