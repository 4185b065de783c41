package io.asyncinvoke.spring.boot;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Connections of the application's Spring Data Redis {@link LettuceConnectionFactory}, lent to a
 * Redis store of ours when it first needs one (the store asks off the caller's thread, since
 * getting a connection may block) and given back when the store is closed.
 */
final class LettuceLoan implements Supplier<RedisClusterAsyncCommands<byte[], byte[]>>, AutoCloseable {

    /** How the stores name the connection in logs (no host, no credentials). */
    static final String NAME = "redis (the application's Spring Data Redis connection)";

    private final LettuceConnectionFactory factory;
    private final List<RedisConnection> borrowed = new CopyOnWriteArrayList<>();

    LettuceLoan(LettuceConnectionFactory factory) {
        this.factory = factory;
    }

    @Override
    public RedisClusterAsyncCommands<byte[], byte[]> get() {
        RedisConnection connection = factory.getConnection();
        borrowed.add(connection);
        return ((LettuceConnection) connection).getNativeConnection();
    }

    @Override
    public void close() {
        borrowed.forEach(RedisConnection::close);
        borrowed.clear();
    }
}
