package io.asyncinvoke.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisJobStore}: each operation is one script, so Redis applies it
 * atomically. Leases are measured on Redis's clock ({@code TIME}, in milliseconds). Every key of a
 * namespace shares the hash tag in its prefix (one hash slot), and each script is sent with one of
 * them as {@code KEYS[1]} so that a Redis Cluster routes it there (untested: the tests run one Redis).
 *
 * <p>ARGV[1] is always the namespace's key prefix. Data model, under that prefix:
 * <ul>
 *   <li>{@code job:<key>}, a hash: {@code body} (the record as JSON, without its lease),
 *       {@code version}, {@code state}, and while someone owns it {@code owner} and {@code lease}
 *       (ms); a record nobody owns that may be claimed only later keeps that time in {@code lease};</li>
 *   <li>{@code pending}, a sorted set of the unfinished records' keys, scored by when they may be
 *       claimed (the lease's end, or the time they were released);</li>
 *   <li>{@code state:<STATE>}, a set of keys per state (counts and lists);</li>
 *   <li>{@code owned:<owner>}, a set of the keys an owner holds (its release at shutdown);</li>
 *   <li>{@code owners}, a sorted set of live owners scored by when their heartbeat lapses.</li>
 * </ul>
 */
final class JobScripts {

    /** One script and its SHA-1, for EVALSHA. */
    record Script(String name, String source, String sha) {
        static Script of(String name, String body) {
            String source = PRELUDE + body;
            return new Script(name, source, sha1(source));
        }
    }

    private static final String PRELUDE = """
            local p = ARGV[1]
            local function now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function move(key, from, to)
              if from ~= to then
                if from then redis.call('SREM', p .. 'state:' .. from, key) end
                redis.call('SADD', p .. 'state:' .. to, key)
              end
            end
            """;

    /** ARGV: prefix, key, body, state, owner, lease ms. Returns {1 inserted | 0 known, body, owner, lease}. */
    static final Script INSERT = Script.of("insert", """
            local key = ARGV[2]
            local jk = p .. 'job:' .. key
            local known = redis.call('HMGET', jk, 'body', 'owner', 'lease')
            if known[1] then
              return {0, known[1], known[2], known[3]}
            end
            local untilMs = now() + tonumber(ARGV[6])
            redis.call('HSET', jk, 'body', ARGV[3], 'version', 1, 'state', ARGV[4], 'owner', ARGV[5], 'lease', untilMs)
            redis.call('ZADD', p .. 'pending', untilMs, key)
            move(key, false, ARGV[4])
            redis.call('SADD', p .. 'owned:' .. ARGV[5], key)
            return {1, ARGV[3], ARGV[5], untilMs}
            """);

    /**
     * ARGV: prefix, key, expected version, owner, body, state, final (1/0), release (1/0),
     * claimable in ms. Applies only from the expected version, and only for the owner (or when
     * nobody owns the record). Returns {1, owner, lease} or {0}.
     */
    static final Script UPDATE = Script.of("update", """
            local key = ARGV[2]
            local jk = p .. 'job:' .. key
            local cur = redis.call('HMGET', jk, 'version', 'owner', 'state', 'lease')
            if not cur[1] or tonumber(cur[1]) ~= tonumber(ARGV[3]) then return {0} end
            local holder = cur[2]
            if holder and holder ~= ARGV[4] then return {0} end
            redis.call('HSET', jk, 'body', ARGV[5], 'version', tonumber(cur[1]) + 1, 'state', ARGV[6])
            move(key, cur[3], ARGV[6])
            if ARGV[7] == '1' then
              if holder then redis.call('SREM', p .. 'owned:' .. holder, key) end
              redis.call('HDEL', jk, 'owner', 'lease')
              redis.call('ZREM', p .. 'pending', key)
              return {1, false, false}
            end
            if ARGV[8] == '1' then
              if holder then redis.call('SREM', p .. 'owned:' .. holder, key) end
              local t = now()
              local delay = tonumber(ARGV[9])
              redis.call('HDEL', jk, 'owner')
              if delay > 0 then
                redis.call('HSET', jk, 'lease', t + delay)
                redis.call('ZADD', p .. 'pending', t + delay, key)
                return {1, false, t + delay}
              end
              redis.call('HDEL', jk, 'lease')
              redis.call('ZADD', p .. 'pending', t, key)
              return {1, false, false}
            end
            if not holder and not cur[4] then
              -- was final, or released: claimable from now on
              redis.call('ZADD', p .. 'pending', 'NX', now(), key)
            end
            return {1, holder, cur[4]}
            """);

    /** ARGV: prefix, key, version, owner. Returns 1 if removed. */
    static final Script DELETE = Script.of("delete", """
            local key = ARGV[2]
            local jk = p .. 'job:' .. key
            local cur = redis.call('HMGET', jk, 'version', 'owner', 'state')
            if not cur[1] or tonumber(cur[1]) ~= tonumber(ARGV[3]) or cur[2] ~= ARGV[4] then return 0 end
            redis.call('DEL', jk)
            redis.call('ZREM', p .. 'pending', key)
            redis.call('SREM', p .. 'state:' .. cur[3], key)
            redis.call('SREM', p .. 'owned:' .. ARGV[4], key)
            return 1
            """);

    /** ARGV: prefix, owner, lease ms, max. Returns {body, lease, body, lease, ...} of the records claimed. */
    static final Script CLAIM = Script.of("claim", """
            local owner = ARGV[2]
            local t = now()
            local untilMs = t + tonumber(ARGV[3])
            local keys = redis.call('ZRANGEBYSCORE', p .. 'pending', '-inf', t, 'LIMIT', 0, tonumber(ARGV[4]))
            local out = {}
            for _, key in ipairs(keys) do
              local jk = p .. 'job:' .. key
              local cur = redis.call('HMGET', jk, 'body', 'owner')
              if cur[1] then
                if cur[2] then redis.call('SREM', p .. 'owned:' .. cur[2], key) end
                redis.call('HSET', jk, 'owner', owner, 'lease', untilMs)
                redis.call('ZADD', p .. 'pending', untilMs, key)
                redis.call('SADD', p .. 'owned:' .. owner, key)
                out[#out + 1] = cur[1]
                out[#out + 1] = untilMs
              else
                redis.call('ZREM', p .. 'pending', key)
              end
            end
            return out
            """);

    /** ARGV: prefix, owner, lease ms, keys... Returns the keys renewed. */
    static final Script RENEW = Script.of("renew", """
            local owner = ARGV[2]
            local untilMs = now() + tonumber(ARGV[3])
            local out = {}
            for i = 4, #ARGV do
              local key = ARGV[i]
              local jk = p .. 'job:' .. key
              if redis.call('HGET', jk, 'owner') == owner then
                redis.call('HSET', jk, 'lease', untilMs)
                redis.call('ZADD', p .. 'pending', untilMs, key)
                out[#out + 1] = key
              end
            end
            return out
            """);

    /** ARGV: prefix, owner. Returns how many leases were released. */
    static final Script RELEASE_ALL = Script.of("releaseAll", """
            local owner = ARGV[2]
            local t = now()
            local released = 0
            for _, key in ipairs(redis.call('SMEMBERS', p .. 'owned:' .. owner)) do
              local jk = p .. 'job:' .. key
              if redis.call('HGET', jk, 'owner') == owner then
                redis.call('HDEL', jk, 'owner', 'lease')
                redis.call('ZADD', p .. 'pending', t, key)
                released = released + 1
              end
            end
            redis.call('DEL', p .. 'owned:' .. owner)
            return released
            """);

    /** ARGV: prefix, owner, ttl ms. Returns how many owners are alive. */
    static final Script HEARTBEAT = Script.of("heartbeat", """
            local t = now()
            redis.call('ZADD', p .. 'owners', t + tonumber(ARGV[3]), ARGV[2])
            redis.call('ZREMRANGEBYSCORE', p .. 'owners', '-inf', t)
            return redis.call('ZCARD', p .. 'owners')
            """);

    /** ARGV: prefix, state names... Returns the count of each, in order. */
    static final Script COUNTS = Script.of("counts", """
            local out = {}
            for i = 2, #ARGV do
              out[#out + 1] = redis.call('SCARD', p .. 'state:' .. ARGV[i])
            end
            return out
            """);

    private JobScripts() {
    }

    private static String sha1(String source) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
