package io.asyncinvoke.spring.boot;

import io.asyncinvoke.client.AsyncInvokeDefaults;
import io.asyncinvoke.client.DownloadOptions;
import io.asyncinvoke.client.PollingEndpoint;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.RetryOptions;
import static io.asyncinvoke.spring.boot.PropertyChecks.FRACTION;
import static io.asyncinvoke.spring.boot.PropertyChecks.NON_NEGATIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.POSITIVE_DURATION;
import static io.asyncinvoke.spring.boot.PropertyChecks.PREFIX;
import static io.asyncinvoke.spring.boot.PropertyChecks.set;
import static io.asyncinvoke.spring.boot.PropertyChecks.show;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-configured async-invoke client, under the prefix {@code async-invoke}.
 * Every default is the library's own; durations take Spring's forms ({@code 500ms}, {@code 10s},
 * {@code 5m}, or ISO-8601).
 */
@ConfigurationProperties(prefix = "async-invoke")
public class AsyncInvokeProperties {

    /** Base URL of the service (may carry a path prefix for a proxy). */
    private String endpoint = AsyncInvokeDefaults.ENDPOINT;

    /**
     * Model access key or personal access token. When unset, the MODEL_ACCESS_KEY environment variable is used;
     * with neither, no client bean is registered.
     */
    private String apiKey;

    /** How long to wait for a connection. */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /** How long to wait for a response once a request is sent. */
    private Duration responseTimeout = Duration.ofSeconds(30);

    /** Appended to the User-Agent header, e.g. "my-app/1.2". */
    private String userAgentSuffix;

    /** Whether a plain http endpoint on a non-loopback host is allowed (the key would travel in clear). */
    private boolean allowInsecureHttp = false;

    private final Polling polling = new Polling();

    private final Retry retry = new Retry();

    private final Budget budget = new Budget();

    private final Metrics metrics = new Metrics();

    private final Observations observations = new Observations();

    private final Jobs jobs = new Jobs();

    /** The longest API answer body read (bytes); a longer one fails the call. */
    private long maxResponseBytes = 4L * 1024 * 1024;

    private final Download download = new Download();

    public long getMaxResponseBytes() {
        return maxResponseBytes;
    }

    public void setMaxResponseBytes(long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
    }

    public Download getDownload() {
        return download;
    }

    /** Limits of downloads of output files; see {@link DownloadOptions}. */
    public static class Download {

        /** The largest file saved, in bytes. */
        private long maxBytes = DownloadOptions.defaults().maxBytes();

        /** How long one download may take as a whole, retries included. */
        private Duration timeout = DownloadOptions.defaults().timeout();

        public long getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        /**
         * These settings as the library's options.
         *
         * @throws InvalidAsyncInvokePropertyException naming the property the library refuses
         */
        public DownloadOptions toOptions() {
            DownloadOptions options = set(DownloadOptions.defaults(), "download.max-bytes", maxBytes,
                    "a number of bytes, 1 or more", DownloadOptions::withMaxBytes);
            return set(options, "download.timeout", timeout, POSITIVE_DURATION, DownloadOptions::withTimeout);
        }
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public String getUserAgentSuffix() {
        return userAgentSuffix;
    }

    public void setUserAgentSuffix(String userAgentSuffix) {
        this.userAgentSuffix = userAgentSuffix;
    }

    public boolean isAllowInsecureHttp() {
        return allowInsecureHttp;
    }

    public void setAllowInsecureHttp(boolean allowInsecureHttp) {
        this.allowInsecureHttp = allowInsecureHttp;
    }

    public Polling getPolling() {
        return polling;
    }

    public Retry getRetry() {
        return retry;
    }

    public Budget getBudget() {
        return budget;
    }

    public Observations getObservations() {
        return observations;
    }

    public Jobs getJobs() {
        return jobs;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "AsyncInvokeProperties{endpoint=" + endpoint + ", apiKey=" + (apiKey == null ? "unset" : AsyncInvokeDefaults.REDACTED)
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout + '}';
    }

    /**
     * How watches poll a job; see {@link PollingOptions}. The schedule settings are unset by
     * default: the library then learns each model's job durations (adaptive polling). Setting any
     * of first-delay, interval, backoff-factor or max-interval asks for a fixed schedule instead.
     */
    public static class Polling {

        /** Delay before the first poll after a submit (unset: the library's 500ms, adaptive). */
        private Duration firstDelay;

        /** Delay between the first two polls; later delays grow by the backoff factor (unset: 500ms, adaptive). */
        private Duration interval;

        /** Growth of the delay from one poll to the next, 1.0 for a fixed interval (unset: 1.5, adaptive). */
        private Double backoffFactor;

        /** Upper bound of the delay between polls, before jitter (unset: 5s, adaptive). */
        private Duration maxInterval;

        /** Random spread of each delay as a fraction of it (0.0 to 1.0). */
        private double jitter = 0.2;

        /** How long a watch may take overall before it fails with a timeout. */
        private Duration timeout = Duration.ofMinutes(10);

        /**
         * Whether polls follow each model's learned job durations. Unset: on, unless a schedule
         * setting above is given.
         */
        private Boolean adaptive;

        /**
         * Which call watches poll: "job" (GET /v1/async-invoke/{id}, the whole job) or "status" (the
         * light status call, documented only in a how-to guide; the client falls back to "job" when
         * the service does not serve it).
         */
        private PollingEndpoint endpoint = PollingEndpoint.JOB;

        public PollingEndpoint getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(PollingEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        public Duration getFirstDelay() {
            return firstDelay;
        }

        public void setFirstDelay(Duration firstDelay) {
            this.firstDelay = firstDelay;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Double getBackoffFactor() {
            return backoffFactor;
        }

        public void setBackoffFactor(Double backoffFactor) {
            this.backoffFactor = backoffFactor;
        }

        public Duration getMaxInterval() {
            return maxInterval;
        }

        public void setMaxInterval(Duration maxInterval) {
            this.maxInterval = maxInterval;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Boolean getAdaptive() {
            return adaptive;
        }

        public void setAdaptive(Boolean adaptive) {
            this.adaptive = adaptive;
        }

        /**
         * These settings as the library's options (which validate them); unset ones keep its defaults.
         *
         * @throws InvalidAsyncInvokePropertyException naming the first property the library refuses
         */
        public PollingOptions toOptions() {
            PollingOptions options = set(PollingOptions.defaults(), "polling.jitter", jitter, FRACTION,
                    PollingOptions::withJitter);
            options = set(options, "polling.timeout", timeout, POSITIVE_DURATION, PollingOptions::withTimeout);
            if (firstDelay != null) {
                options = set(options, "polling.first-delay", firstDelay, NON_NEGATIVE_DURATION,
                        PollingOptions::withFirstDelay);
            }
            if (interval != null) {
                options = set(options, "polling.interval", interval, POSITIVE_DURATION, PollingOptions::withInterval);
            }
            if (backoffFactor != null) {
                options = set(options, "polling.backoff-factor", backoffFactor,
                        "a number of 1.0 or more (1.0 for a fixed interval)", PollingOptions::withBackoffFactor);
            }
            if (maxInterval != null) {
                options = set(options, "polling.max-interval", maxInterval, POSITIVE_DURATION,
                        PollingOptions::withMaxInterval);
            }
            options = set(options, "polling.endpoint", endpoint, "job or status", PollingOptions::withEndpoint);
            return adaptive == null ? options : options.withAdaptive(adaptive);
        }
    }

    /**
     * The request budget all requests of the client share; see {@link RequestBudgetOptions}. By
     * default the service's limits per key (250 per minute, 5000 per hour, burst 20 %).
     */
    public static class Budget {

        /** Whether requests wait for the budget; off when something else enforces the limits. */
        private boolean enabled = true;

        /** Requests allowed in any minute. */
        private int perMinute = 250;

        /** Requests allowed in any hour. */
        private int perHour = 5000;

        /** The share of each limit that may be sent at once from an idle start (above 0, at most 0.5). */
        private double burst = 0.2;

        /**
         * Where the budget is kept: "local" (this client's memory) or "redis" (shared by every
         * process of the same endpoint and key through Redis; needs io.asyncinvoke:client-redis, and
         * async-invoke.budget.redis.url or the application's Spring Data Redis Lettuce connection).
         */
        private Store store = Store.LOCAL;

        private final Redis redis = new Redis();

        public Store getStore() {
            return store;
        }

        public void setStore(Store store) {
            this.store = store;
        }

        public Redis getRedis() {
            return redis;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getPerMinute() {
            return perMinute;
        }

        public void setPerMinute(int perMinute) {
            this.perMinute = perMinute;
        }

        public int getPerHour() {
            return perHour;
        }

        public void setPerHour(int perHour) {
            this.perHour = perHour;
        }

        public double getBurst() {
            return burst;
        }

        public void setBurst(double burst) {
            this.burst = burst;
        }

        /**
         * These settings as the library's options (which validate them).
         *
         * @throws InvalidAsyncInvokePropertyException naming the first property the library refuses
         */
        public RequestBudgetOptions toOptions() {
            if (!enabled) {
                return RequestBudgetOptions.disabled();
            }
            RequestBudgetOptions options = set(RequestBudgetOptions.disabled(), "budget.per-minute", perMinute,
                    "a whole number of 2 or more", (o, n) -> o.and(n, Duration.ofMinutes(1)));
            options = set(options, "budget.per-hour", perHour, "a whole number of 2 or more",
                    (o, n) -> o.and(n, Duration.ofHours(1)));
            return set(options, "budget.burst", burst, "a number above 0.0 and at most 0.5",
                    RequestBudgetOptions::withBurst);
        }
    }

    /** Where the request budget is kept. */
    public enum Store {
        /** In the client's memory, for this process alone. */
        LOCAL,
        /** In Redis, shared by every process of the same endpoint and API key. */
        REDIS
    }

    /** The budget in Redis ({@code async-invoke.budget.store=redis}); see {@code io.asyncinvoke.redis.RedisBudgetStore}. */
    public static class Redis {

        /**
         * The Redis to keep the budget in (redis://host:port, rediss:// for TLS,
         * redis://:password@host:port/db). Unset: the application's Spring Data Redis Lettuce connection.
         */
        private String url;

        /** The start of every key the budget writes. */
        private String keyPrefix = "async-invoke:budget:";

        /** How long Redis may take to hand out a token before the client uses its own budget for a while. */
        private Duration timeout = Duration.ofMillis(500);

        /** How long the client stays on its own budget after Redis failed before trying it again. */
        private Duration retryInterval = Duration.ofSeconds(5);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getRetryInterval() {
            return retryInterval;
        }

        public void setRetryInterval(Duration retryInterval) {
            this.retryInterval = retryInterval;
        }

        @Override
        public String toString() {
            // the URL may carry a password
            return "Redis{url=" + (url == null ? "unset" : "[set]") + ", keyPrefix=" + keyPrefix + '}';
        }
    }

    /** How single requests are retried; see {@link RetryOptions}. */
    public static class Retry {

        /** Attempts per request, the first included (1 for no retries). */
        private int maxAttempts = 4;

        /** Delay before the first retry. */
        private Duration minBackoff = Duration.ofMillis(250);

        /** Upper bound of the exponential delay between retries. */
        private Duration maxBackoff = Duration.ofSeconds(8);

        /** Random spread of each retry delay as a fraction of it (0.0 to 1.0). */
        private double jitter = 0.5;

        /** The longest server-requested wait (Retry-After) a retry will honour. */
        private Duration maxServerDelay = Duration.ofSeconds(60);

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getMinBackoff() {
            return minBackoff;
        }

        public void setMinBackoff(Duration minBackoff) {
            this.minBackoff = minBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public Duration getMaxServerDelay() {
            return maxServerDelay;
        }

        public void setMaxServerDelay(Duration maxServerDelay) {
            this.maxServerDelay = maxServerDelay;
        }

        /**
         * These settings as the library's options (which validate them).
         *
         * @throws InvalidAsyncInvokePropertyException naming the first property the library refuses
         */
        public RetryOptions toOptions() {
            RetryOptions options = set(RetryOptions.defaults(), "retry.max-attempts", maxAttempts,
                    "a whole number of 1 or more (1 for no retries)", RetryOptions::withMaxAttempts);
            options = set(options, "retry.min-backoff", minBackoff, POSITIVE_DURATION, RetryOptions::withMinBackoff);
            options = set(options, "retry.max-backoff", maxBackoff, POSITIVE_DURATION, RetryOptions::withMaxBackoff);
            // the pair, as the library checks it when a client is built, named by the bound that moved
            boolean minMoved = options.maxBackoff().equals(RetryOptions.defaults().maxBackoff())
                    && !options.minBackoff().equals(RetryOptions.defaults().minBackoff());
            options = minMoved
                    ? set(options, "retry.min-backoff", options.minBackoff(), POSITIVE_DURATION + ", at most " + PREFIX
                            + "retry.max-backoff (" + show(options.maxBackoff()) + ")", (o, ignored) -> o.validate())
                    : set(options, "retry.max-backoff", options.maxBackoff(), POSITIVE_DURATION + ", at least " + PREFIX
                            + "retry.min-backoff (" + show(options.minBackoff()) + ")", (o, ignored) -> o.validate());
            options = set(options, "retry.jitter", jitter, FRACTION, RetryOptions::withJitter);
            return set(options, "retry.max-server-delay", maxServerDelay, NON_NEGATIVE_DURATION,
                    RetryOptions::withMaxServerDelay);
        }
    }

    /** Micrometer meters, bound when the application has a MeterRegistry. */
    public static class Metrics {

        /** Whether to record the client's meters in the application's MeterRegistry. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Micrometer observations (spans, with tracing), made when the application has an ObservationRegistry. */
    public static class Observations {

        /** Whether to observe each job and each of its HTTP requests in the application's ObservationRegistry. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * Tracked jobs ({@code io.asyncinvoke.client.JobTracker}): recorded in a store before they are
     * submitted, watched by one live instance at a time, handed to the application's
     * {@code JobCompletionHandler} beans. A tracker is set up when a handler bean exists or
     * {@code async-invoke.jobs.store} is set.
     */
    public static class Jobs {

        /**
         * Where tracked jobs are kept: "memory" (this process; lost when it stops) or "redis"
         * (shared by every instance with the same namespace; needs io.asyncinvoke:client-redis, and
         * async-invoke.jobs.redis.url or the application's Spring Data Redis Lettuce connection).
         */
        private JobStoreKind store = JobStoreKind.MEMORY;

        /**
         * This instance's id in the store. Unset: host name, process id and a random suffix. A
         * stable id (a StatefulSet pod's name) lets a restarted instance take its jobs back at once.
         */
        private String owner;

        /** How long a lease lasts unrenewed: how long a dead instance's jobs wait for another (at least 500ms). */
        private Duration lease = Duration.ofSeconds(30);

        /** The most jobs this instance takes over from the store at once. */
        private int capacity = 1000;

        /** How many times the handlers are tried for one job before it is parked. */
        private int handlerAttempts = 5;

        /** The wait after a handler's first failure, doubled after each next one. */
        private Duration handlerBackoff = Duration.ofSeconds(1);

        /** The longest wait between two handler attempts. */
        private Duration handlerMaxBackoff = Duration.ofMinutes(1);

        /** How long the handlers may take for one job before the attempt counts as failed. */
        private Duration handlerTimeout = Duration.ofMinutes(5);

        /**
         * How long shutdown waits for submits and handlers under way before releasing their leases;
         * below spring.lifecycle.timeout-per-shutdown-phase (30s by default), so that the release happens.
         */
        private Duration shutdownGrace = Duration.ofSeconds(20);

        private final JobsRedis redis = new JobsRedis();

        public JobStoreKind getStore() {
            return store;
        }

        public void setStore(JobStoreKind store) {
            this.store = store;
        }

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public int getCapacity() {
            return capacity;
        }

        public void setCapacity(int capacity) {
            this.capacity = capacity;
        }

        public int getHandlerAttempts() {
            return handlerAttempts;
        }

        public void setHandlerAttempts(int handlerAttempts) {
            this.handlerAttempts = handlerAttempts;
        }

        public Duration getHandlerBackoff() {
            return handlerBackoff;
        }

        public void setHandlerBackoff(Duration handlerBackoff) {
            this.handlerBackoff = handlerBackoff;
        }

        public Duration getHandlerMaxBackoff() {
            return handlerMaxBackoff;
        }

        public void setHandlerMaxBackoff(Duration handlerMaxBackoff) {
            this.handlerMaxBackoff = handlerMaxBackoff;
        }

        public Duration getHandlerTimeout() {
            return handlerTimeout;
        }

        public void setHandlerTimeout(Duration handlerTimeout) {
            this.handlerTimeout = handlerTimeout;
        }

        public Duration getShutdownGrace() {
            return shutdownGrace;
        }

        public void setShutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
        }

        public JobsRedis getRedis() {
            return redis;
        }
    }

    /** Where tracked jobs are kept. */
    public enum JobStoreKind {
        /** In this process's memory: nothing survives it. */
        MEMORY,
        /** In Redis, shared by every instance of the same namespace. */
        REDIS
    }

    /** Tracked jobs in Redis ({@code async-invoke.jobs.store=redis}); see {@code io.asyncinvoke.redis.RedisJobStore}. */
    public static class JobsRedis {

        /**
         * The Redis to keep the jobs in (redis://host:port, rediss:// for TLS,
         * redis://:password@host:port/db). Unset: the application's Spring Data Redis Lettuce
         * connection. Run it with persistence (appendonly yes): a Redis that forgets forgets the jobs.
         */
        private String url;

        /** Whose jobs these are: instances sharing a namespace share their jobs. Unset: spring.application.name, else "default". */
        private String namespace;

        /** How long one Redis command may take before it fails and is tried again. */
        private Duration timeout = Duration.ofSeconds(2);

        /** How soon a lost connection is tried again, at most (with async-invoke.jobs.redis.url). */
        private Duration retryInterval = Duration.ofSeconds(5);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getRetryInterval() {
            return retryInterval;
        }

        public void setRetryInterval(Duration retryInterval) {
            this.retryInterval = retryInterval;
        }

        @Override
        public String toString() {
            // the URL may carry a password
            return "JobsRedis{url=" + (url == null ? "unset" : "[set]") + ", namespace=" + namespace + '}';
        }
    }
}
