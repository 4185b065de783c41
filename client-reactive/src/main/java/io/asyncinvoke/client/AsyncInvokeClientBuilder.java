package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.BudgetStore;
import io.asyncinvoke.client.spi.JobTransport;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import reactor.netty.http.client.HttpClient;

/**
 * Configures and builds {@link AsyncInvokeAsyncClient} and {@link AsyncInvokeClient}.
 *
 * <pre>{@code
 * AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder()
 *         .apiKey(System.getenv("MODEL_ACCESS_KEY"))      // the default, too
 *         .pollingOptions(PollingOptions.defaults().withTimeout(Duration.ofMinutes(5)))
 *         .buildAsyncClient();
 * }</pre>
 *
 * <p>Defaults ({@link AsyncInvokeDefaults}): endpoint {@value AsyncInvokeDefaults#ENDPOINT}; API key
 * from the {@value AsyncInvokeDefaults#API_KEY_ENV}
 * environment variable; connect timeout 10 s; response timeout 30 s;
 * {@link PollingOptions#defaults()}; {@link RetryOptions#defaults()};
 * {@link RequestBudgetOptions#defaults()}; Reactor Netty's shared
 * connection pool and event loops. The builder is not thread-safe; the clients it builds are.
 */
public final class AsyncInvokeClientBuilder {


    /** API answers are small JSON (a job with many images is a few KiB): far more is not an answer. */
    static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private String endpoint = AsyncInvokeDefaults.ENDPOINT;
    private String apiKey;
    private HttpClient httpClient;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private PollingOptions pollingOptions = PollingOptions.defaults();
    private RetryOptions retryOptions = RetryOptions.defaults();
    private RequestBudgetOptions requestBudget = RequestBudgetOptions.defaults();
    private String userAgentSuffix;
    private boolean allowInsecureHttp;
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private DownloadOptions downloadOptions = DownloadOptions.defaults();
    private JobTransport transport;
    private AsyncInvokeListener listener = AsyncInvokeListener.NONE;
    private BudgetStore budgetStore;
    private Function<String, String> environment = System::getenv;

    /** A builder with the defaults above. */
    public AsyncInvokeClientBuilder() {
    }

    /**
     * The service's base URL, e.g. {@code https://inference.do-ai.run} (may carry a path prefix for
     * a proxy). Plain {@code http://} is refused unless the host is loopback or
     * {@link #allowInsecureHttp(boolean)} is set: the API key must not cross a network in clear.
     */
    public AsyncInvokeClientBuilder endpoint(String endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        return this;
    }

    /**
     * The bearer token: a model access key or a DigitalOcean personal access token, whatever its
     * prefix. Without one, {@value AsyncInvokeDefaults#API_KEY_ENV} is read. A value that cannot be a real key (shorter
     * than {@value AsyncInvokeDefaults#MIN_API_KEY_LENGTH} characters, or with whitespace or control characters) is
     * refused when the client is built, before any request.
     */
    public AsyncInvokeClientBuilder apiKey(String apiKey) {
        this.apiKey = apiKey;
        return this;
    }

    /**
     * A Reactor Netty client to build on, to share its connection pool, event loops or TLS and
     * proxy settings. The client derives its own configuration from it (base URL, credentials,
     * timeouts, no redirects, no wire logging since that would print the key) and leaves the given
     * instance unchanged. Downloads use it too, without any credentials and following redirects.
     */
    public AsyncInvokeClientBuilder httpClient(HttpClient httpClient) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        return this;
    }

    /** How long to wait for a connection (positive; default 10 s). */
    public AsyncInvokeClientBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = PollingOptions.positive(connectTimeout, "connectTimeout");
        return this;
    }

    /**
     * How long an answer may take once the request is sent (positive; default 30 s). For the API's
     * calls this bounds the whole answer, to the last byte of its (small JSON) body, so a body that
     * trickles in slowly cannot hold a call longer; such an attempt fails as a timeout and is
     * retried like one. A download, whose file may be large, is bounded by it between two reads.
     */
    public AsyncInvokeClientBuilder responseTimeout(Duration responseTimeout) {
        this.responseTimeout = PollingOptions.positive(responseTimeout, "responseTimeout");
        return this;
    }

    /** How watches poll (default {@link PollingOptions#defaults()}). */
    public AsyncInvokeClientBuilder pollingOptions(PollingOptions pollingOptions) {
        this.pollingOptions = Objects.requireNonNull(pollingOptions, "pollingOptions");
        return this;
    }

    /** How single requests are retried (default {@link RetryOptions#defaults()}). */
    public AsyncInvokeClientBuilder retryOptions(RetryOptions retryOptions) {
        this.retryOptions = Objects.requireNonNull(retryOptions, "retryOptions");
        return this;
    }

    /**
     * The request budget all requests of the client share (default
     * {@link RequestBudgetOptions#defaults()}: the service's 250 per minute and 5000 per hour);
     * {@link RequestBudgetOptions#disabled()} sends every request at once.
     */
    public AsyncInvokeClientBuilder requestBudget(RequestBudgetOptions requestBudget) {
        this.requestBudget = Objects.requireNonNull(requestBudget, "requestBudget");
        return this;
    }

    /**
     * Keeps the request budget in {@code store}, shared with every client of the same endpoint and
     * API key that uses the same store, in this process or others: e.g.
     * {@code RedisBudgetStore.create("redis://127.0.0.1:6379")} from {@code io.asyncinvoke:client-redis}.
     * The buckets are the ones {@link #requestBudget(RequestBudgetOptions)} describes, and the rules
     * those of the in-process budget: every attempt takes a token, the service's rate-limit answers
     * shrink or hold the budget, for every client sharing it. When the store fails or is slow, the
     * client counts its requests on its own in-process budget until the store answers again (see
     * {@link BudgetStore}): no request fails or waits because of it.
     *
     * <p>Default: none, the budget lives in this client's memory. Ignored when the budget is
     * {@link RequestBudgetOptions#disabled()} or a {@link #transport(JobTransport)} is set.
     *
     * @param store the store, or {@code null} for the in-process budget
     */
    public AsyncInvokeClientBuilder budgetStore(BudgetStore store) {
        this.budgetStore = store;
        return this;
    }

    /** Appended to the {@code User-Agent} header, e.g. {@code "my-app/1.2"}. */
    public AsyncInvokeClientBuilder userAgentSuffix(String userAgentSuffix) {
        if (userAgentSuffix != null && userAgentSuffix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("userAgentSuffix must not contain control characters");
        }
        this.userAgentSuffix = userAgentSuffix;
        return this;
    }

    /**
     * The longest API answer body read (default 4 MiB; at least 1 KiB). A longer one, whether its
     * {@code Content-Length} says so or it just keeps coming, fails the call promptly with a
     * {@link DecodeException}, and its connection is closed. Downloads have their own limit
     * ({@link DownloadOptions}).
     */
    public AsyncInvokeClientBuilder maxResponseBytes(long maxResponseBytes) {
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be at least 1024, was " + maxResponseBytes);
        }
        this.maxResponseBytes = maxResponseBytes;
        return this;
    }

    /**
     * Sends the three API calls to {@code transport} instead of HTTP, for tests and simulations in
     * virtual time (see {@link JobTransport}: no retries, budget or rate limits apply). No API key
     * is needed then; the endpoint is ignored.
     */
    public AsyncInvokeClientBuilder transport(JobTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    /** Limits of downloads of output files (default {@link DownloadOptions#defaults()}: 2 GiB, 1 hour). */
    public AsyncInvokeClientBuilder downloadOptions(DownloadOptions downloadOptions) {
        this.downloadOptions = Objects.requireNonNull(downloadOptions, "downloadOptions");
        return this;
    }

    /** Allows a plain {@code http://} endpoint on a non-loopback host (off by default). */
    public AsyncInvokeClientBuilder allowInsecureHttp(boolean allowInsecureHttp) {
        this.allowInsecureHttp = allowInsecureHttp;
        return this;
    }

    /** Receives request, retry and job events, e.g. for metrics (default: none). */
    public AsyncInvokeClientBuilder listener(AsyncInvokeListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** For tests: where environment variables are read from. */
    AsyncInvokeClientBuilder environment(Function<String, String> environment) {
        this.environment = environment;
        return this;
    }

    /**
     * Builds the reactive client.
     *
     * @throws IllegalStateException    when no API key is given or found in {@value AsyncInvokeDefaults#API_KEY_ENV}
     * @throws IllegalArgumentException when the endpoint or key is malformed
     */
    public AsyncInvokeAsyncClient buildAsyncClient() {
        RetryOptions retryOptions = this.retryOptions.validate();
        if (transport != null) {
            HttpClient media = MediaDownloader.mediaClient((httpClient != null ? httpClient : HttpClient.create())
                    .responseTimeout(responseTimeout), userAgent());
            return new AsyncInvokeAsyncClient(new TransportJobApi(transport), pollingOptions, listener,
                    "transport " + transport, new MediaDownloader(media, new RetryPolicy(retryOptions, listener), listener,
                    Redactor.NONE), downloadOptions);
        }
        String key = resolveApiKey();
        Endpoint target = Endpoint.parse(endpoint, allowInsecureHttp);
        HttpClient base = (httpClient != null ? httpClient : HttpClient.create())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .disableRetry(true)
                .followRedirect(false)
                .wiretap(false);
        String authorization = "Bearer " + key;
        String userAgent = userAgent();
        // Derived from the base before the credentials are added to it: media hosts never see the key.
        // Files may be large, so a download is bounded per read.
        HttpClient media = MediaDownloader.mediaClient(base.responseTimeout(responseTimeout), userAgent);
        long answerTimeoutNanos = responseTimeout.toNanos();
        HttpClient api = base.baseUrl(target.origin)
                .doOnRequest((request, connection) -> ResponseDeadline.arm(connection, answerTimeoutNanos))
                .headers(headers -> headers
                        .set(HttpHeaderNames.AUTHORIZATION, authorization)
                        .set(HttpHeaderNames.USER_AGENT, userAgent)
                        .set(HttpHeaderNames.ACCEPT, "application/json"));
        Redactor redactor = new Redactor(key);
        RetryPolicy retries = new RetryPolicy(retryOptions, listener);
        // Media hosts are not the API: downloads neither carry the key nor spend the API's budget.
        RequestGate budget = budgetStore != null && requestBudget.isEnabled()
                ? StoredBudget.of(budgetStore, StoredBudget.spec(target.identity(), target.display, key, requestBudget),
                        requestBudget, listener, retryOptions.maxServerDelay())
                : RequestBudget.of(requestBudget, listener, retryOptions.maxServerDelay());
        JobApi jobApi = new HttpJobApi(api, target.basePath, retries, listener, redactor, budget, maxResponseBytes,
                ConcurrencyLimit.of(base.configuration().connectionProvider() == null ? 0
                        : base.configuration().connectionProvider().maxConnections()));
        return new AsyncInvokeAsyncClient(jobApi, pollingOptions, listener, target.display,
                new MediaDownloader(media, retries, listener, redactor), downloadOptions);
    }

    /** Builds the blocking client; see {@link #buildAsyncClient()}. */
    public AsyncInvokeClient buildClient() {
        return new AsyncInvokeClient(buildAsyncClient());
    }

    private String resolveApiKey() {
        String key = AsyncInvokeDefaults.apiKey(apiKey, environment).orElse(null);
        if (key == null) {
            throw new IllegalStateException("No API key: call apiKey(...) or set the " + AsyncInvokeDefaults.API_KEY_ENV
                    + " environment variable to a model access key or personal access token");
        }
        if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || c == 0x85
                || c == 0xa0 || c == 0x2007 || c == 0x202f)) {
            throw new IllegalArgumentException("The API key must not contain whitespace or control characters");
        }
        if (key.length() < AsyncInvokeDefaults.MIN_API_KEY_LENGTH) {
            throw new IllegalArgumentException("The API key has " + key.length() + " character(s): too short to be a"
                    + " model access key or personal access token (at least " + AsyncInvokeDefaults.MIN_API_KEY_LENGTH + ")");
        }
        return key;
    }

    private String userAgent() {
        String agent = "async-invoke-java/" + Version.VALUE + " (Java " + System.getProperty("java.version") + ")";
        return userAgentSuffix == null || userAgentSuffix.isBlank() ? agent : agent + " " + userAgentSuffix.trim();
    }

    @Override
    public String toString() {
        return "AsyncInvokeClientBuilder{endpoint=" + endpoint + ", apiKey=" + (apiKey == null ? "unset" : AsyncInvokeDefaults.REDACTED)
                + ", polling=" + pollingOptions + ", retry=" + retryOptions + ", budget=" + requestBudget
                + (budgetStore == null ? "" : ", budgetStore=" + budgetStore) + '}';
    }

    /** A checked endpoint: origin for the HTTP client, path prefix for requests. */
    static final class Endpoint {
        final String origin;
        final String basePath;
        final String display;

        private Endpoint(String origin, String basePath, String display) {
            this.origin = origin;
            this.basePath = basePath;
            this.display = display;
        }

        /** The endpoint as one string whatever its spelling (host names are case-insensitive), for the budget's identity. */
        String identity() {
            return origin.toLowerCase(Locale.ROOT) + basePath;
        }

        static Endpoint parse(String endpoint, boolean allowInsecureHttp) {
            URI uri;
            try {
                uri = new URI(endpoint.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint is not a valid URL: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("endpoint must be an http(s) URL, was \"" + endpoint + "\"");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("endpoint has no host: \"" + endpoint + "\"");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("endpoint must not carry user info, a query or a fragment");
            }
            if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(uri.getHost())) {
                throw new IllegalArgumentException("endpoint " + endpoint + " is plain http on a non-loopback host: the API"
                        + " key would travel in clear. Use https, or allowInsecureHttp(true) if you really mean it");
            }
            String authority = uri.getRawAuthority();
            if (uri.getPort() >= 0 && uri.getPort() < 10) {
                // Reactor Netty's string URLs take only 2 to 5 port digits (reactor-netty#4357): "host:9"
                // would be resolved as a host name. The same port written with two digits parses right.
                authority = authority.substring(0, authority.lastIndexOf(':') + 1) + "0" + uri.getPort();
            }
            String origin = scheme + "://" + authority;
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Endpoint(origin, path, scheme + "://" + uri.getRawAuthority() + path);
        }

        /**
         * Whether {@code host} names loopback without asking anyone: {@code localhost}, or a
         * literal address in 127.0.0.0/8 or {@code ::1}. A host <em>name</em> that merely looks
         * like one ({@code 127.attacker.example}, {@code 127.0.0.1.attacker.example}) resolves to
         * whatever its owner chooses, so it is not loopback.
         */
        static boolean isLoopback(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.equals("localhost") || h.equals("localhost.")) {
                return true;
            }
            if (h.startsWith("[") && h.endsWith("]")) {
                return isLiteralIpv6Loopback(h.substring(1, h.length() - 1));
            }
            if (h.indexOf(':') >= 0) {
                return isLiteralIpv6Loopback(h);
            }
            String[] octets = h.split("\\.", -1);
            if (octets.length != 4 || !octets[0].equals("127")) {
                return false;
            }
            for (String octet : octets) {
                if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isLiteralIpv6Loopback(String address) {
            if (address.isEmpty() || !address.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
                return false;
            }
            try {
                // only hex digits and colons: parsed as a literal, never looked up
                return java.net.InetAddress.getByName(address).isLoopbackAddress();
            } catch (java.net.UnknownHostException notAnAddress) {
                return false;
            }
        }
    }

    /** The library version, from the build. */
    static final class Version {
        static final String VALUE = read();

        private static String read() {
            try (InputStream in = AsyncInvokeClientBuilder.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "dev";
                }
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            } catch (IOException e) {
                return "dev";
            }
        }
    }
}
