package io.asyncinvoke.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own on a free loopback port, without persistence
 * ({@code --save '' --appendonly no}) or with an append-only file synced on every write (what a
 * job store is run with); it can be stopped and started again on the same port, to play an outage
 * or a restart. Used by {@link RedisServerExtension} and by the P4-cluster benchmark.
 */
public final class RedisServer implements AutoCloseable {

    private final Path executable;
    private final int port;
    /** Where the append-only file goes; null: no persistence. */
    private final Path dataDir;
    private Process process;

    private RedisServer(Path executable, int port, Path dataDir) {
        this.executable = executable;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Where {@code redis-server} is: on the PATH, or in {@code /usr/bin} or {@code /usr/sbin}; empty if nowhere. */
    public static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + java.io.File.pathSeparator + "/usr/bin" + java.io.File.pathSeparator + "/usr/sbin")
                .split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts one on a free port, without persistence. */
    public static RedisServer start(Path executable) throws IOException {
        return start(executable, null);
    }

    /**
     * Starts one on a free port; with a {@code dataDir}, it keeps an append-only file there
     * ({@code appendfsync always}), so that a restart forgets nothing.
     */
    public static RedisServer start(Path executable, Path dataDir) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisServer server = new RedisServer(executable, port, dataDir);
        server.start();
        return server;
    }

    /** Starts it (again), on the same port; returns once it answers PING. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of(executable.toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes"));
        if (dataDir == null) {
            command.addAll(List.of("--appendonly", "no"));
        } else {
            Files.createDirectories(dataDir);
            command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always", "--dir", dataDir.toString()));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"+PONG".equals(command("PING"))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("redis-server did not start on port " + port);
            }
            sleep(20);
        }
    }

    /** Stops it (SIGTERM, then SIGKILL after 5 s): the clients' connections are closed under them. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * One inline command and the first line of its answer ({@code +PONG}, {@code :3}, {@code $5}),
     * or null when nothing answers.
     */
    public String command(String inline) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException notThere) {
            return null;
        }
    }

    /** The value of one field of {@code INFO commandstats}'s line for {@code command}: its calls, or 0. */
    public long calls(String command) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("INFO commandstats\r\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            int c;
            while ((c = in.read()) != '\r') {
                header.append((char) c);
            }
            in.read();
            int length = Integer.parseInt(header.substring(1));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String prefix = "cmdstat_" + command.toLowerCase(java.util.Locale.ROOT) + ":calls=";
            for (String l : body.split("\r\n")) {
                if (l.startsWith(prefix)) {
                    return Long.parseLong(l.substring(prefix.length(), l.indexOf(',')));
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("INFO commandstats failed: " + e, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
