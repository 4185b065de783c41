package io.asyncinvoke.redis;

import io.asyncinvoke.client.spi.BudgetStore;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The request budget kept in Redis, shared by every client of the same endpoint and API key that
 * uses the same Redis, in any number of processes:
 *
 * <pre>{@code
 * RedisBudgetStore store = RedisBudgetStore.create("redis://127.0.0.1:6379");
 * AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().budgetStore(store).buildAsyncClient();
 * ...
 * store.close();   // when the application stops
 * }</pre>
 *
 * <p>The tokens live in a Bucket4j bucket ({@code bucket4j_jdk17-lettuce}, compare-and-swap over
 * Lettuce's asynchronous API: no thread ever waits for Redis) under
 * {@code <prefix>{<budgetId>}:bucket}, where the budget id is a SHA-256 of the endpoint and the key
 * (never the key itself); it expires once it would be full again. A hold the service asked for (a
 * 429's {@code Retry-After}, a spent window until its reset) is a key {@code <prefix>{<budgetId>}:hold}
 * whose expiry is the end of the hold, never shortened ({@code SET NX PX}, then {@code PEXPIRE GT}):
 * every process that asks for a token sees it and waits it out, and the bucket is emptied at both
 * ends of the hold, so that requests resume at the rate rather than in a burst.
 *
 * <p>A refused take says when the next token comes plus a random part of one token's interval (the
 * shortest window's): processes told the same instant would otherwise come back together, and the
 * one nearest to Redis, or least loaded, would win most tokens.
 *
 * <p>A token costs three commands in two round trips ({@code PTTL} of the hold beside Bucket4j's
 * {@code GET}, then its {@code EVAL}), more when processes race for the same bucket (a
 * compare-and-swap retried). The refill is computed from each process's clock: keep clocks in sync
 * (NTP) between machines.
 *
 * <p>When Redis is unreachable or slower than {@link #timeout()}, the client counts its requests on
 * its own in-process budget at once and tries Redis again every {@link #retryInterval()} (see
 * {@link BudgetStore}); a store built from a URL keeps its connection with Lettuce's reconnects and
 * rejects commands while disconnected, so an outage is noticed at once rather than after a timeout.
 */
public final class RedisBudgetStore implements BudgetStore, AutoCloseable {

    /** The default start of every key. */
    public static final String DEFAULT_KEY_PREFIX = "async-invoke:budget:";

    private static final byte[] HOLD_VALUE = "1".getBytes(StandardCharsets.UTF_8);
    /** How long a bucket outlives the moment it would be full again. */
    private static final Duration KEEP_FULL_BUCKET = Duration.ofSeconds(10);
    /** The longest a Redis command may take, whatever the client's timeouts (which come first). */
    private static final Duration BACKSTOP = Duration.ofSeconds(5);

    private final RedisConnector connector;
    private final Duration backstop;
    /** Bucket4j's proxies over the connector's current commands (a new connection gets new ones). */
    private volatile Connection connection;
    private final String keyPrefix;
    private final Duration timeout;
    private final Duration retryInterval;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisBudgetStore(Builder b, RedisConnector connector, Duration backstop) {
        this.connector = connector;
        this.backstop = backstop;
        this.keyPrefix = b.keyPrefix;
        this.timeout = b.timeout;
        this.retryInterval = b.retryInterval;
    }

    /**
     * A store on the Redis at {@code url} ({@code redis://host:port}, {@code rediss://} for TLS,
     * {@code redis://:password@host:port/db}), with the defaults of {@link Builder}. It connects in
     * the background; {@link #close()} closes the connection.
     */
    public static RedisBudgetStore create(String url) {
        return builder().url(url).build();
    }

    /** A builder: give it a {@link Builder#url(String) URL} or a {@link Builder#commands connection}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Budget open(Spec spec) {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        return new RedisBudget(spec);
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Duration retryInterval() {
        return retryInterval;
    }

    /** The Redis key of the bucket of {@code spec}. */
    String bucketKey(Spec spec) {
        return keyPrefix + "{" + spec.budgetId() + "}:bucket";
    }

    /** The Redis key of the service's hold for {@code spec}. */
    String holdKey(Spec spec) {
        return keyPrefix + "{" + spec.budgetId() + "}:hold";
    }

    private CompletionStage<Connection> connection() {
        return connector.commands().thenApply(commands -> {
            Connection current = connection;
            if (current == null || current.commands != commands) {
                current = new Connection(commands, backstop);
                connection = current;
            }
            return current;
        });
    }

    /** Closes what this store opened (its connection and client, when built from a URL), and runs {@link Builder#onClose}. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            connector.close();
        }
    }

    /** "redis host:port/db" (never a password), or what {@link Builder#commands} was named. */
    @Override
    public String toString() {
        return connector.toString();
    }

    // ------------------------------------------------------------------ one client's budget

    private final class RedisBudget implements Budget {
        private final byte[] bucketKey;
        private final byte[] holdKey;
        private volatile BucketConfiguration configuration;
        /** One token's interval of the shortest window: how far apart refused takes are told to come back. */
        private volatile long tokenNanos;
        /** The bucket, on the connection it was made for (a new connection gets a new proxy). */
        private volatile Bound bound;
        /** This process saw a hold: the first to see it over empties the bucket. */
        private volatile boolean sawHold;

        RedisBudget(Spec spec) {
            this.bucketKey = bucketKey(spec).getBytes(StandardCharsets.UTF_8);
            this.holdKey = holdKey(spec).getBytes(StandardCharsets.UTF_8);
            this.configuration = configuration(spec.bandwidths());
            this.tokenNanos = tokenNanos(spec.bandwidths());
        }

        private CompletionStage<Bound> bound() {
            return connection().thenApply(connection -> {
                Bound current = bound;
                if (current == null || current.connection != connection) {
                    AsyncBucketProxy bucket = connection.proxies.builder()
                            .build(bucketKey, () -> CompletableFuture.completedFuture(configuration));
                    current = new Bound(connection, bucket);
                    bound = current;
                }
                return current;
            });
        }

        @Override
        public CompletionStage<Take> tryTake() {
            return bound().thenCompose(b -> {
                // both at once: one round trip for the hold and the bucket's state, then the bucket's swap
                CompletableFuture<Long> hold = b.connection.commands.pttl(holdKey).toCompletableFuture();
                CompletableFuture<ConsumptionProbe> probe = b.bucket.tryConsumeAndReturnRemaining(1);
                return hold.thenCombine(probe, (left, taken) -> {
                    if (left != null && left > 0) {
                        sawHold = true;
                        if (taken.isConsumed()) {
                            // not ours to spend while the service holds everyone
                            b.bucket.addTokens(1);
                        }
                        return Take.heldFor(Duration.ofMillis(left));
                    }
                    if (sawHold) {
                        // the hold is over: one request now (if this one got a token), then the rate
                        sawHold = false;
                        b.bucket.tryConsumeAsMuchAsPossible();
                    }
                    return taken.isConsumed() ? Take.granted()
                            : Take.retryIn(Duration.ofNanos(taken.getNanosToWaitForRefill()
                                    + ThreadLocalRandom.current().nextLong(tokenNanos)));
                });
            });
        }

        @Override
        public CompletionStage<Void> hold(Duration duration) {
            long millis = Math.max(1, duration.plusNanos(999_999).toMillis());
            return bound().thenCompose(b -> {
                sawHold = true;
                RedisClusterAsyncCommands<byte[], byte[]> redis = b.connection.commands;
                // created with its expiry, or an existing one extended: a longer hold is never shortened
                CompletableFuture<String> set = redis.set(holdKey, HOLD_VALUE, SetArgs.Builder.nx().px(millis))
                        .toCompletableFuture();
                CompletableFuture<Boolean> extend = redis.pexpire(holdKey, millis, ExpireArgs.Builder.gt())
                        .toCompletableFuture();
                // what accumulated before the hold is not spent right after it
                CompletableFuture<Long> drain = b.bucket.tryConsumeAsMuchAsPossible();
                return CompletableFuture.allOf(set, extend, drain);
            });
        }

        @Override
        public CompletionStage<Void> resize(List<Bandwidth> bandwidths) {
            BucketConfiguration next = configuration(bandwidths);
            configuration = next;
            tokenNanos = tokenNanos(bandwidths);
            return bound().thenCompose(b -> b.bucket.replaceConfiguration(next, TokensInheritanceStrategy.AS_IS));
        }

        @Override
        public String toString() {
            return "RedisBudget{" + new String(bucketKey, StandardCharsets.UTF_8) + '}';
        }
    }

    /** The first (shortest) bandwidth's window over its refill, at least a microsecond. */
    private static long tokenNanos(List<BudgetStore.Bandwidth> bandwidths) {
        BudgetStore.Bandwidth shortest = bandwidths.get(0);
        return Math.max(1_000, shortest.window().toNanos() / shortest.refillTokens());
    }

    private static BucketConfiguration configuration(List<BudgetStore.Bandwidth> bandwidths) {
        ConfigurationBuilder builder = BucketConfiguration.builder();
        for (BudgetStore.Bandwidth b : bandwidths) {
            builder.addLimit(limit -> limit.capacity(b.capacity()).refillGreedy(b.refillTokens(), b.window()));
        }
        return builder.build();
    }

    private static final class Bound {
        final Connection connection;
        final AsyncBucketProxy bucket;

        Bound(Connection connection, AsyncBucketProxy bucket) {
            this.connection = connection;
            this.bucket = bucket;
        }
    }

    // ------------------------------------------------------------------ connections

    /** Commands on one connection, and Bucket4j's proxies over them. */
    static final class Connection {
        final RedisClusterAsyncCommands<byte[], byte[]> commands;
        final AsyncProxyManager<Object> proxies;

        Connection(RedisClusterAsyncCommands<byte[], byte[]> commands, Duration timeout) {
            this.commands = commands;
            this.proxies = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(new Api(commands))
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKET))
                    .requestTimeout(timeout)
                    .build()
                    .asAsync();
        }
    }

    /**
     * Bucket4j's three commands on any Lettuce connection (standalone, Sentinel, Cluster). Keys are
     * byte arrays, typed {@code Object}: Bucket4j passes them in an {@code Object[]}.
     */
    private static final class Api implements RedisApi<Object> {
        private final RedisClusterAsyncCommands<byte[], byte[]> commands;

        Api(RedisClusterAsyncCommands<byte[], byte[]> commands) {
            this.commands = commands;
        }

        @Override
        public <V> RedisFuture<V> eval(String script, ScriptOutputType type, Object[] keys, byte[][] params) {
            return commands.eval(script, type, Arrays.copyOf(keys, keys.length, byte[][].class), params);
        }

        @Override
        public RedisFuture<byte[]> get(Object key) {
            return commands.get((byte[]) key);
        }

        @Override
        public RedisFuture<?> delete(Object key) {
            return commands.del((byte[]) key);
        }
    }

    /** Builds a {@link RedisBudgetStore}; not thread-safe. */
    public static final class Builder {
        private final RedisConnector.Target target = new RedisConnector.Target();
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration timeout = Duration.ofMillis(500);
        private Duration retryInterval = Duration.ofSeconds(5);
        private AutoCloseable onClose;

        private Builder() {
        }

        /**
         * The Redis to connect to: {@code redis://host:port}, {@code rediss://} for TLS,
         * {@code redis://:password@host:port/db}, {@code redis-sentinel://...} (Lettuce's URI
         * syntax). The store opens its own client and connection, and closes them on {@link #close()}.
         */
        public Builder url(String url) {
            target.url(url);
            return this;
        }

        /**
         * An existing connection of the application's, with byte-array keys and values (standalone,
         * Sentinel or Cluster: Spring Data Redis's {@code LettuceConnection.getNativeConnection()},
         * or {@code redisClient.connect(ByteArrayCodec.INSTANCE).async()}), used as it is and never
         * closed by the store. Its own options apply: with Lettuce's default of queueing commands
         * while disconnected, an outage is noticed after {@link #timeout(Duration)}.
         *
         * @param name names the connection in logs (no credentials)
         */
        public Builder commands(RedisClusterAsyncCommands<byte[], byte[]> commands, String name) {
            target.commands(commands, name);
            return this;
        }

        /**
         * A connection the application lends on first use, e.g. from Spring Data Redis's
         * {@code LettuceConnectionFactory}; as {@link #commands(RedisClusterAsyncCommands, String)},
         * but {@code lender} is called only when the store first needs Redis (off the caller's
         * thread: it may block), and again after it failed, so that an application starts even
         * while Redis is down. Give back what it lent with {@link #onClose(AutoCloseable)}.
         */
        public Builder commands(Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender, String name) {
            target.lender(lender, name);
            return this;
        }

        /** The start of every key the store writes (default {@value #DEFAULT_KEY_PREFIX}). */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * How long a token may take (default 500 ms; positive): a slower answer makes the client use
         * its own budget for a while. Also the Redis commands' timeout.
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** How long the client stays on its own budget after Redis failed before trying it again (default 5 s; positive). */
        public Builder retryInterval(Duration retryInterval) {
            this.retryInterval = positive(retryInterval, "retryInterval");
            return this;
        }

        /** Run when the store is closed, after its own resources (e.g. to give back a connection it was lent). */
        public Builder onClose(AutoCloseable onClose) {
            this.onClose = onClose;
            return this;
        }

        /** The store; one built from a URL starts connecting now, in the background. */
        public RedisBudgetStore build() {
            if (!target.isSet()) {
                throw new IllegalStateException("RedisBudgetStore needs a url(...) or commands(...)");
            }
            // Redis's and Bucket4j's own timeouts are only a backstop: the client applies the real ones
            Duration backstop = timeout.compareTo(BACKSTOP) > 0 ? timeout : BACKSTOP;
            return new RedisBudgetStore(this, target.connector(backstop, retryInterval, onClose), backstop);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
