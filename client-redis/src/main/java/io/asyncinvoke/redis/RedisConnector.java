package io.asyncinvoke.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a Redis store's commands come from: a connection of the application's, given at once or
 * lent on first use, used as it is and never closed here; or a client and connection of the
 * store's own, from a URL.
 */
abstract class RedisConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    /** The commands, once connected; a failed first connection is tried again when asked for. */
    abstract CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> commands();

    @Override
    public abstract void close();

    static RedisConnector given(RedisClusterAsyncCommands<byte[], byte[]> commands, String name, AutoCloseable onClose) {
        return new Borrowed(commands, name, onClose);
    }

    static RedisConnector lent(Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender, String name,
                               AutoCloseable onClose) {
        return new Borrowed(lender, name, onClose);
    }

    static RedisConnector url(RedisURI uri, Duration timeout, Duration retryInterval, AutoCloseable onClose) {
        return new Url(uri, timeout, retryInterval, onClose);
    }

    /** Where a store's builder was told to find Redis: the last of a URL, a connection or a lender wins. */
    static final class Target {
        private RedisURI uri;
        private RedisClusterAsyncCommands<byte[], byte[]> commands;
        private Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender;
        private String name;

        void url(String url) {
            RedisURI parsed;
            try {
                parsed = RedisURI.create(Objects.requireNonNull(url, "url"));
            } catch (RuntimeException e) {
                // the parsers' messages quote the whole URL, password included: neither it nor they go on
                throw new IllegalArgumentException("not a Redis URL (redis://host:port, rediss://host:port, "
                        + "redis://:password@host:port/db): " + e.getClass().getSimpleName());
            }
            clear();
            uri = parsed;
        }

        void commands(RedisClusterAsyncCommands<byte[], byte[]> given, String name) {
            Objects.requireNonNull(given, "commands");
            Objects.requireNonNull(name, "name");
            clear();
            this.commands = given;
            this.name = name;
        }

        void lender(Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender, String name) {
            Objects.requireNonNull(lender, "lender");
            Objects.requireNonNull(name, "name");
            clear();
            this.lender = lender;
            this.name = name;
        }

        boolean isSet() {
            return uri != null || commands != null || lender != null;
        }

        /** The connector; a URL's client starts connecting now, in the background. */
        RedisConnector connector(Duration timeout, Duration retryInterval, AutoCloseable onClose) {
            return uri != null ? RedisConnector.url(uri, timeout, retryInterval, onClose)
                    : lender != null ? lent(lender, name, onClose)
                    : given(commands, name, onClose);
        }

        private void clear() {
            uri = null;
            commands = null;
            lender = null;
            name = null;
        }
    }

    static String describe(RedisURI uri) {
        String host = uri.getHost() != null ? uri.getHost() + ":" + uri.getPort()
                : uri.getSocket() != null ? uri.getSocket() : "sentinel " + uri.getSentinelMasterId();
        return "redis " + host + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
    }

    static void runQuietly(AutoCloseable action) {
        if (action == null) {
            return;
        }
        try {
            action.close();
        } catch (Exception e) {
            LOG.debug("Closing a Redis store: {}", e.toString());
        }
    }

    /**
     * A connection of the application's: given at once, or lent when first asked (a lender may
     * block, so it is asked on Reactor's bounded-elastic threads, never on the caller's) and asked
     * again if that failed. Never closed here; {@code onClose} gives it back.
     */
    private static final class Borrowed extends RedisConnector {
        private final Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender;
        private final String name;
        private final AutoCloseable onClose;
        private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands;

        Borrowed(Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender, String name, AutoCloseable onClose) {
            this.lender = lender;
            this.name = name;
            this.onClose = onClose;
        }

        Borrowed(RedisClusterAsyncCommands<byte[], byte[]> given, String name, AutoCloseable onClose) {
            this((Supplier<RedisClusterAsyncCommands<byte[], byte[]>>) null, name, onClose);
            this.commands = CompletableFuture.completedFuture(given);
        }

        @Override
        synchronized CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
            if (lender != null && (commands == null || commands.isCompletedExceptionally())) {
                commands = Mono.<RedisClusterAsyncCommands<byte[], byte[]>>fromCallable(() ->
                                Objects.requireNonNull(lender.get(), "the lender returned no connection"))
                        .subscribeOn(Schedulers.boundedElastic())
                        .toFuture();
            }
            return commands;
        }

        @Override
        public void close() {
            runQuietly(onClose);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Lettuce reconnects after an outage (within {@code retryInterval}) and rejects commands
     * meanwhile, so that an outage is noticed at once rather than after a timeout.
     */
    private static final class Url extends RedisConnector {
        private final ClientResources resources;
        private final RedisClient client;
        private final RedisURI uri;
        private final Duration timeout;
        private final AutoCloseable onClose;
        private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting;
        private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands;

        Url(RedisURI uri, Duration timeout, Duration retryInterval, AutoCloseable onClose) {
            this.uri = uri;
            this.timeout = timeout;
            this.onClose = onClose;
            this.resources = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), retryInterval, 2, TimeUnit.MILLISECONDS))
                    .build();
            this.client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .build());
            connect();
        }

        private synchronized CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> connect() {
            RedisURI target = RedisURI.builder(uri).withTimeout(timeout).build();
            connecting = client.connectAsync(ByteArrayCodec.INSTANCE, target).toCompletableFuture();
            commands = connecting.thenApply(StatefulRedisConnection::async);
            commands.whenComplete((c, e) -> {
                if (e != null) {
                    LOG.debug("Could not connect to {}: {}", this, e.toString());
                }
            });
            return commands;
        }

        @Override
        synchronized CompletionStage<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
            return commands.isCompletedExceptionally() ? connect() : commands;
        }

        @Override
        public synchronized void close() {
            // closes its connections too (closing one first makes Lettuce warn that it is already closed)
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            runQuietly(onClose);
        }

        @Override
        public String toString() {
            return describe(uri);
        }
    }
}
