package io.asyncinvoke.redis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} for a test class, on a free loopback port, stopped after the class
 * (register it as a static field with {@code @RegisterExtension}). Without {@code redis-server}
 * (Debian: {@code apt-get install -y redis-server}) the class is skipped and says so, unless
 * {@code -Dredis.required=true} (CI) makes that a failure.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean persistent;
    private Path dataDir;
    private RedisServer server;

    /** A server without persistence. */
    public RedisServerExtension() {
        this(false);
    }

    private RedisServerExtension(boolean persistent) {
        this.persistent = persistent;
    }

    /** A server that keeps an append-only file (synced on every write), so that a restart forgets nothing. */
    public static RedisServerExtension persistent() {
        return new RedisServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Optional<Path> executable = RedisServer.find();
        if (executable.isEmpty()) {
            String message = "redis-server is not installed (Debian: apt-get install -y redis-server)";
            if (Boolean.getBoolean("redis.required")) {
                throw new IllegalStateException(message + ", and -Dredis.required=true says the Redis tests must run");
            }
            Assumptions.abort(message + ": the Redis tests are skipped (-Dredis.required=true makes this a failure)");
        }
        if (persistent) {
            dataDir = java.nio.file.Files.createTempDirectory("redis-aof-");
        }
        server = RedisServer.start(executable.get(), dataDir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.stop();
        }
        if (dataDir != null) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory: the system cleans it eventually
            }
        }
    }

    /** The server of the running class. */
    public RedisServer server() {
        return server;
    }
}
