package io.asyncinvoke.redis;

import io.asyncinvoke.client.spi.JobStore;
import io.asyncinvoke.client.spi.TrackedJob;
import io.asyncinvoke.client.spi.TrackedJob.State;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tracked jobs kept in Redis, shared by every {@link io.asyncinvoke.client.JobTracker} that uses
 * the same Redis and namespace, in any number of processes on any machines:
 *
 * <pre>{@code
 * RedisJobStore store = RedisJobStore.builder().url("redis://127.0.0.1:6379").namespace("orders").build();
 * JobTracker tracker = JobTracker.builder(client).store(store).handler(...).start();
 * ...
 * tracker.close();
 * store.close();
 * }</pre>
 *
 * <p>Each operation is one Lua script, applied atomically by Redis; leases are measured on Redis's
 * clock, so instances whose clocks differ still agree on them. The keys of a namespace all start
 * with {@code async-invoke:jobs:{<namespace>}:} (one hash slot; each script is sent with one of
 * them as its key, for a Redis Cluster to route it, which the tests do not cover: they run one
 * Redis); the data model is described in the README ("Durable jobs"). Commands go through
 * Lettuce's asynchronous API: no thread waits for Redis. A command that takes longer than
 * {@link Builder#timeout} fails, and the tracker tries again.
 *
 * <p>The records are as durable as the Redis that keeps them: with persistence off, a restart of
 * Redis forgets every job. Run it with {@code appendonly yes} (and {@code appendfsync always} to
 * lose nothing, {@code everysec} to lose at most a second of changes). Finished records stay until
 * removed; they are small (the job's output holds URLs, not media).
 */
public final class RedisJobStore implements JobStore, AutoCloseable {

    /** The start of every key. */
    public static final String KEY_PREFIX = "async-invoke:jobs:";

    private static final State[] STATES = State.values();

    private final RedisConnector connector;
    private final String namespace;
    private final String prefix;
    private final Duration timeout;
    private final byte[] routingKey;

    private RedisJobStore(Builder b, RedisConnector connector) {
        this.connector = connector;
        this.namespace = b.namespace;
        this.prefix = KEY_PREFIX + "{" + b.namespace + "}:";
        this.routingKey = bytes(prefix + "pending");
        this.timeout = b.timeout;
    }

    /** A builder: give it a {@link Builder#url(String) URL} or a {@link Builder#commands connection}, and a namespace. */
    public static Builder builder() {
        return new Builder();
    }

    /** The namespace: the jobs of one application, or of one batch. */
    public String namespace() {
        return namespace;
    }

    @Override
    public Mono<Insertion> insert(TrackedJob job, Duration lease) {
        String owner = job.owner().orElseThrow(() -> new IllegalArgumentException("an intent needs an owner"));
        return run(JobScripts.INSERT, job.key(), body(job), job.state().name(), owner, millis(lease))
                .map(reply -> {
                    boolean inserted = asLong(reply.get(0)) == 1;
                    return new Insertion(read(reply.get(1), reply.get(2), reply.get(3)), inserted);
                });
    }

    @Override
    public Mono<TrackedJob> find(String key) {
        return Mono.defer(() -> call(redis -> redis.hmget(bytes(prefix + "job:" + key), bytes("body"), bytes("owner"),
                        bytes("lease"))))
                .flatMap(values -> {
                    if (values.isEmpty() || !values.get(0).hasValue()) {
                        return Mono.empty();
                    }
                    return Mono.just(read(values.get(0).getValue(), values.get(1).getValueOrElse(null),
                            values.get(2).getValueOrElse(null)));
                });
    }

    @Override
    public Mono<TrackedJob> update(String owner, TrackedJob next) {
        return write(owner, next, false, Duration.ZERO);
    }

    @Override
    public Mono<TrackedJob> updateAndRelease(String owner, TrackedJob next, Duration claimableIn) {
        return write(owner, next, true, claimableIn);
    }

    private Mono<TrackedJob> write(String owner, TrackedJob next, boolean release, Duration claimableIn) {
        return run(JobScripts.UPDATE, next.key(), Long.toString(next.version() - 1), owner, body(next),
                next.state().name(), next.state().isFinal() ? "1" : "0", release ? "1" : "0", millis(claimableIn))
                .flatMap(reply -> asLong(reply.get(0)) != 1 ? Mono.empty()
                        : Mono.just(next.withLease(text(reply.get(1)), instant(reply.get(2)))));
    }

    @Override
    public Mono<Boolean> delete(String owner, TrackedJob expected) {
        return runOne(JobScripts.DELETE, expected.key(), Long.toString(expected.version()), owner)
                .map(removed -> removed == 1);
    }

    @Override
    public Flux<TrackedJob> claim(String owner, Duration lease, int max) {
        return run(JobScripts.CLAIM, owner, millis(lease), Integer.toString(max))
                .flatMapIterable(reply -> {
                    List<TrackedJob> claimed = new ArrayList<>(reply.size() / 2);
                    for (int i = 0; i + 1 < reply.size(); i += 2) {
                        claimed.add(read(reply.get(i), owner, reply.get(i + 1)));
                    }
                    return claimed;
                });
    }

    @Override
    public Flux<String> renew(String owner, Collection<String> keys, Duration lease) {
        if (keys.isEmpty()) {
            return Flux.empty();
        }
        List<String> args = new ArrayList<>(keys.size() + 2);
        args.add(owner);
        args.add(millis(lease));
        args.addAll(keys);
        return run(JobScripts.RENEW, args.toArray(String[]::new)).flatMapIterable(reply -> {
            List<String> renewed = new ArrayList<>(reply.size());
            reply.forEach(key -> renewed.add(text(key)));
            return renewed;
        });
    }

    @Override
    public Mono<Long> releaseAll(String owner) {
        return runOne(JobScripts.RELEASE_ALL, owner);
    }

    @Override
    public Mono<Integer> heartbeat(String owner, Duration ttl) {
        return runOne(JobScripts.HEARTBEAT, owner, millis(ttl)).map(Long::intValue);
    }

    @Override
    public Mono<Void> leave(String owner) {
        return Mono.defer(() -> call(redis -> redis.zrem(bytes(prefix + "owners"), bytes(owner)))).then();
    }

    @Override
    public Mono<Map<State, Long>> counts() {
        String[] names = new String[STATES.length];
        for (int i = 0; i < STATES.length; i++) {
            names[i] = STATES[i].name();
        }
        return run(JobScripts.COUNTS, names).map(reply -> {
            Map<State, Long> counts = new EnumMap<>(State.class);
            for (int i = 0; i < STATES.length; i++) {
                long n = asLong(reply.get(i));
                if (n > 0) {
                    counts.put(STATES[i], n);
                }
            }
            return counts;
        });
    }

    @Override
    public Flux<TrackedJob> list(State state) {
        return Mono.defer(() -> call(redis -> redis.smembers(bytes(prefix + "state:" + state.name()))))
                .flatMapIterable(keys -> keys)
                .flatMapSequential(key -> find(new String(key, StandardCharsets.UTF_8)), 16)
                .filter(job -> job.state() == state);
    }

    /** Closes what this store opened (its connection and client, when built from a URL). */
    @Override
    public void close() {
        connector.close();
    }

    @Override
    public String toString() {
        return "RedisJobStore{" + connector + ", namespace " + namespace + '}';
    }

    // ---- plumbing

    private Mono<List<Object>> run(JobScripts.Script script, String... args) {
        return runScript(script, ScriptOutputType.MULTI, args);
    }

    private Mono<Long> runOne(JobScripts.Script script, String... args) {
        return runScript(script, ScriptOutputType.INTEGER, args);
    }

    /** EVALSHA, and EVAL once when Redis does not know the script (a first call, or a Redis restarted). */
    private <T> Mono<T> runScript(JobScripts.Script script, ScriptOutputType type, String... args) {
        byte[][] values = new byte[args.length + 1][];
        values[0] = bytes(prefix);
        for (int i = 0; i < args.length; i++) {
            values[i + 1] = bytes(args[i]);
        }
        // the scripts build their keys from the prefix; one key of the namespace, passed as KEYS[1],
        // routes the script to the node that holds the namespace's hash slot on a Redis Cluster
        byte[][] keys = {routingKey};
        return Mono.defer(() -> this.<T>call(redis -> redis.evalsha(script.sha(), type, keys, values)))
                .onErrorResume(RedisNoScriptException.class,
                        e -> call(redis -> redis.eval(script.source(), type, keys, values)));
    }

    private <T> Mono<T> call(java.util.function.Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> command) {
        return Mono.fromCompletionStage(() -> connector.commands().thenCompose(command::apply)).timeout(timeout);
    }

    private static String body(TrackedJob job) {
        return job.withLease(null, null).toJson();
    }

    private static TrackedJob read(Object body, Object owner, Object lease) {
        return TrackedJob.fromJson(text(body)).withLease(text(owner), instant(lease));
    }

    private static String millis(Duration d) {
        return Long.toString(Math.max(0, d.toMillis()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] ? new String((byte[]) value, StandardCharsets.UTF_8) : value.toString();
    }

    private static long asLong(Object value) {
        return value instanceof Long ? (Long) value : Long.parseLong(Objects.requireNonNull(text(value), "a number"));
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.ofEpochMilli(asLong(value));
    }

    /** Builds a {@link RedisJobStore}; not thread-safe. */
    public static final class Builder {
        private final RedisConnector.Target target = new RedisConnector.Target();
        private String namespace;
        private Duration timeout = Duration.ofSeconds(2);
        private Duration retryInterval = Duration.ofSeconds(5);
        private AutoCloseable onClose;

        private Builder() {
        }

        /**
         * The Redis to connect to, in Lettuce's URI syntax ({@code redis://host:port},
         * {@code rediss://} for TLS, {@code redis://:password@host:port/db}). The store opens its own
         * client and connection, and closes them on {@link #close()}.
         */
        public Builder url(String url) {
            target.url(url);
            return this;
        }

        /** A connection of the application's (binary codec), used as it is and never closed by the store. */
        public Builder commands(RedisClusterAsyncCommands<byte[], byte[]> commands, String name) {
            target.commands(commands, name);
            return this;
        }

        /**
         * A connection the application lends on first use (e.g. from Spring Data Redis's
         * {@code LettuceConnectionFactory}); {@code lender} is called off the caller's thread (it may
         * block) when the store first needs Redis, and again after it failed, so that an application
         * starts even while Redis is down. Give back what it lent with {@link #onClose(AutoCloseable)}.
         */
        public Builder commands(java.util.function.Supplier<? extends RedisClusterAsyncCommands<byte[], byte[]>> lender,
                                String name) {
            target.lender(lender, name);
            return this;
        }

        /**
         * Whose jobs these are: instances that share a namespace share their jobs; 1 to 100
         * characters, letters, digits and {@code - _ . :} only.
         */
        public Builder namespace(String namespace) {
            if (namespace == null || !namespace.matches("[A-Za-z0-9_.:-]{1,100}")) {
                throw new IllegalArgumentException("a job store's namespace is 1 to 100 letters, digits, '-', '_', '.' "
                        + "or ':', not " + (namespace == null ? "null" : '"' + namespace + '"'));
            }
            this.namespace = namespace;
            return this;
        }

        /** How long one command may take before it fails (and is tried again by the tracker); 2 s by default. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /** How soon a lost connection is tried again, at most (a store built from a URL); 5 s by default. */
        public Builder retryInterval(Duration retryInterval) {
            if (retryInterval == null || retryInterval.isZero() || retryInterval.isNegative()) {
                throw new IllegalArgumentException("retryInterval must be positive");
            }
            this.retryInterval = retryInterval;
            return this;
        }

        /** Something to close with the store (e.g. the application's connection, when the store should own it). */
        public Builder onClose(AutoCloseable onClose) {
            this.onClose = onClose;
            return this;
        }

        /** The store; a store from a URL starts connecting in the background. */
        public RedisJobStore build() {
            if (namespace == null) {
                throw new IllegalStateException("a RedisJobStore needs a namespace");
            }
            if (!target.isSet()) {
                throw new IllegalStateException("a RedisJobStore needs a url or a connection");
            }
            return new RedisJobStore(this, target.connector(timeout, retryInterval, onClose));
        }
    }
}
