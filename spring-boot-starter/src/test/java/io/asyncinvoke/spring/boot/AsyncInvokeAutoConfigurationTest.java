package io.asyncinvoke.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.RetryOptions;
import io.asyncinvoke.model.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.mock.env.MockEnvironment;

class AsyncInvokeAutoConfigurationTest {

    private static final String KEY = "sk-do-test-key-0123456789";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncInvokeAutoConfiguration.class));

    @Test
    void aKeyPropertyGivesBothClients() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY).run(context -> {
            assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class).hasSingleBean(AsyncInvokeClient.class);
            assertThat(context.getBean(AsyncInvokeClient.class).async())
                    .isSameAs(context.getBean(AsyncInvokeAsyncClient.class));
        });
    }

    @Test
    void modelAccessKeyIsTheFallback() {
        runner.withPropertyValues("MODEL_ACCESS_KEY=" + KEY)
                .run(context -> assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class));
    }

    @Test
    void aBlankKeyCountsAsNone() {
        runner.withPropertyValues("async-invoke.api-key=  ", "MODEL_ACCESS_KEY=")
                .run(context -> assertThat(context).doesNotHaveBean(AsyncInvokeAsyncClient.class));
    }

    @Test
    void withoutAKeyTheAppStillStartsWithoutAClient() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(AsyncInvokeAsyncClient.class).doesNotHaveBean(AsyncInvokeClient.class);
            // The builder is there to build a client with a key from elsewhere (as the demo does with its simulator).
            assertThat(context).hasSingleBean(AsyncInvokeClientBuilder.class);
        });
    }

    @Test
    void withoutAKeyAComponentThatNeedsTheClientFailsWithAClearMessage() {
        runner.withUserConfiguration(NeedsClient.class).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            NoSuchBeanDefinitionException cause = findCause(failure, NoSuchBeanDefinitionException.class);
            assertThat(cause).isNotNull();

            FailureAnalysis analysis = new MissingApiKeyFailureAnalyzer(new MockEnvironment()).analyze(failure);

            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("AsyncInvokeAsyncClient", "async-invoke.api-key",
                    "MODEL_ACCESS_KEY");
            assertThat(analysis.getAction()).contains("async-invoke.api-key", "MODEL_ACCESS_KEY",
                    "define your own AsyncInvokeAsyncClient bean");
        });
    }

    @Test
    void theAnalyzerKeepsQuietAboutOtherMissingBeansAndWhenAKeyIsSet() {
        MissingApiKeyFailureAnalyzer noKey = new MissingApiKeyFailureAnalyzer(new MockEnvironment());
        MissingApiKeyFailureAnalyzer withKey = new MissingApiKeyFailureAnalyzer(
                new MockEnvironment().withProperty("async-invoke.api-key", KEY));

        assertThat(noKey.analyze(new NoSuchBeanDefinitionException(String.class))).isNull();
        assertThat(noKey.analyze(new NoSuchBeanDefinitionException(AsyncInvokeClient.class))).isNotNull();
        assertThat(withKey.analyze(new NoSuchBeanDefinitionException(AsyncInvokeClient.class))).isNull();
    }

    @Test
    void theAnalyzerIsRegisteredForSpringBoot() {
        // Resolved as Spring Boot does it: constructor arguments from the context's environment and bean factory.
        ArgumentResolver arguments = ArgumentResolver.of(Environment.class, new StandardEnvironment())
                .and(BeanFactory.class, new DefaultListableBeanFactory());
        // Some of Spring Boot's own analyzers need classes (spring-web) this module does not have: skip those.
        List<String> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(FailureAnalyzer.class, arguments, FailureHandler.handleMessage((message, failure) -> { }))
                .stream().map(analyzer -> analyzer.getClass().getName()).toList();

        assertThat(analyzers).contains(MissingApiKeyFailureAnalyzer.class.getName(),
                InvalidPropertyFailureAnalyzer.class.getName());
    }

    @Test
    void anApplicationsOwnReactiveClientWinsAndTheBlockingOneWrapsIt() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY).withUserConfiguration(OwnAsyncClient.class).run(context -> {
            assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
            assertThat(context.getBean(AsyncInvokeAsyncClient.class)).isSameAs(OwnAsyncClient.CLIENT);
            assertThat(context.getBean(AsyncInvokeClient.class).async()).isSameAs(OwnAsyncClient.CLIENT);
        });
    }

    @Test
    void anApplicationsOwnReactiveClientNeedsNoKey() {
        runner.withUserConfiguration(OwnAsyncClient.class).run(context -> {
            assertThat(context.getBean(AsyncInvokeAsyncClient.class)).isSameAs(OwnAsyncClient.CLIENT);
            assertThat(context).hasSingleBean(AsyncInvokeClient.class);
        });
    }

    @Test
    void anApplicationsOwnBlockingClientWins() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY).withUserConfiguration(OwnBlockingClient.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(AsyncInvokeClient.class);
                    assertThat(context.getBean(AsyncInvokeClient.class)).isSameAs(OwnBlockingClient.CLIENT);
                    assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
                });
    }

    @Test
    void everyPropertyIsBound() {
        runner.withPropertyValues(
                "async-invoke.endpoint=https://proxy.example/inference",
                "async-invoke.api-key=" + KEY,
                "async-invoke.connect-timeout=3s",
                "async-invoke.response-timeout=45s",
                "async-invoke.user-agent-suffix=my-app/1.2",
                "async-invoke.allow-insecure-http=true",
                "async-invoke.polling.first-delay=100ms",
                "async-invoke.polling.interval=2s",
                "async-invoke.polling.backoff-factor=2.0",
                "async-invoke.polling.max-interval=20s",
                "async-invoke.polling.jitter=0.1",
                "async-invoke.polling.timeout=3m",
                "async-invoke.polling.adaptive=true",
                "async-invoke.budget.per-minute=120",
                "async-invoke.budget.per-hour=3000",
                "async-invoke.budget.burst=0.3",
                "async-invoke.retry.max-attempts=6",
                "async-invoke.retry.min-backoff=1s",
                "async-invoke.retry.max-backoff=30s",
                "async-invoke.retry.jitter=0.25",
                "async-invoke.retry.max-server-delay=2m",
                "async-invoke.polling.endpoint=status",
                "async-invoke.max-response-bytes=65536",
                "async-invoke.download.max-bytes=1000000",
                "async-invoke.download.timeout=2m",
                "async-invoke.metrics.enabled=false").run(context -> {
                    AsyncInvokeProperties p = context.getBean(AsyncInvokeProperties.class);
                    assertThat(p.getEndpoint()).isEqualTo("https://proxy.example/inference");
                    assertThat(p.getApiKey()).isEqualTo(KEY);
                    assertThat(p.getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(p.getResponseTimeout()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(p.getUserAgentSuffix()).isEqualTo("my-app/1.2");
                    assertThat(p.isAllowInsecureHttp()).isTrue();
                    assertThat(p.getMetrics().isEnabled()).isFalse();

                    PollingOptions polling = context.getBean(AsyncInvokeAsyncClient.class).pollingOptions();
                    assertThat(polling.firstDelay()).isEqualTo(Duration.ofMillis(100));
                    assertThat(polling.interval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(polling.backoffFactor()).isEqualTo(2.0);
                    assertThat(polling.maxInterval()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(polling.jitter()).isEqualTo(0.1);
                    assertThat(polling.timeout()).isEqualTo(Duration.ofMinutes(3));
                    assertThat(polling.isAdaptive()).isTrue();
                    assertThat(polling.endpoint()).isEqualTo(io.asyncinvoke.client.PollingEndpoint.STATUS);
                    assertThat(context.getBean(AsyncInvokeAsyncClient.class).downloadOptions()).isEqualTo(
                            io.asyncinvoke.client.DownloadOptions.defaults().withMaxBytes(1_000_000)
                                    .withTimeout(Duration.ofMinutes(2)));
                    assertThat(p.getMaxResponseBytes()).isEqualTo(65536);
                    RequestBudgetOptions budget = RequestBudgetOptions.of(120, Duration.ofMinutes(1))
                            .and(3000, Duration.ofHours(1)).withBurst(0.3);
                    assertThat(p.getBudget().toOptions()).isEqualTo(budget);
                    assertThat(context.getBean(AsyncInvokeClientBuilder.class).toString())
                            .as("the builder the client came from").contains("budget=" + budget);

                    RetryOptions retry = p.getRetry().toOptions();
                    assertThat(retry.maxAttempts()).isEqualTo(6);
                    assertThat(retry.minBackoff()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(retry.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(retry.jitter()).isEqualTo(0.25);
                    assertThat(retry.maxServerDelay()).isEqualTo(Duration.ofMinutes(2));

                    assertThat(context.getBean(AsyncInvokeAsyncClient.class).toString())
                            .contains("https://proxy.example/inference").doesNotContain(KEY);
                    assertThat(p.toString()).doesNotContain(KEY);
                });
    }

    @Test
    void environmentVariablesWork() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("MODEL_ACCESS_KEY", KEY))))
                .run(context -> assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class));
    }

    @Test
    void relaxedNamesBindToo() {
        // Spring's environment-variable form of async-invoke.api-key drops the dash: ASYNCINVOKE_APIKEY.
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("ASYNCINVOKE_APIKEY", KEY, "ASYNCINVOKE_POLLING_MAXINTERVAL", "7s"))))
                .run(context -> {
                    assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
                    assertThat(context.getBean(AsyncInvokeAsyncClient.class).pollingOptions().maxInterval())
                            .isEqualTo(Duration.ofSeconds(7));
                });
    }

    @Test
    void theDefaultsAreTheLibrarysOwn() {
        AsyncInvokeProperties p = new AsyncInvokeProperties();
        PollingOptions polling = PollingOptions.defaults();
        RetryOptions retry = RetryOptions.defaults();

        assertThat(p.getEndpoint()).isEqualTo(io.asyncinvoke.client.AsyncInvokeDefaults.ENDPOINT);
        assertThat(p.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.getResponseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.getPolling().toOptions()).usingRecursiveComparison().isEqualTo(polling);
        assertThat(p.getRetry().toOptions()).usingRecursiveComparison().isEqualTo(retry);
        assertThat(p.getPolling().toOptions().isAdaptive()).as("adaptive polling stays on").isTrue();
        assertThat(p.getBudget().toOptions()).isEqualTo(RequestBudgetOptions.defaults());
    }

    @Test
    void aScheduleSettingAsksForAFixedScheduleUnlessAdaptiveIsSaid() {
        AsyncInvokeProperties p = new AsyncInvokeProperties();
        p.getPolling().setInterval(Duration.ofSeconds(2));
        assertThat(p.getPolling().toOptions().isAdaptive()).isFalse();
        assertThat(p.getPolling().toOptions().interval()).isEqualTo(Duration.ofSeconds(2));

        p.getPolling().setAdaptive(true);
        assertThat(p.getPolling().toOptions().isAdaptive()).isTrue();
    }

    @Test
    void theBudgetCanBeResizedOrSwitchedOff() {
        AsyncInvokeProperties p = new AsyncInvokeProperties();
        p.getBudget().setPerMinute(100);
        p.getBudget().setPerHour(2000);
        p.getBudget().setBurst(0.1);
        assertThat(p.getBudget().toOptions()).isEqualTo(RequestBudgetOptions.of(100, Duration.ofMinutes(1))
                .and(2000, Duration.ofHours(1)).withBurst(0.1));

        p.getBudget().setEnabled(false);
        assertThat(p.getBudget().toOptions().isEnabled()).isFalse();
    }

    @Test
    void invalidValuesReachTheBuilderAndFailStartupWithItsMessage() {
        // Each rejection proves that the property is passed to the builder.
        assertStartupFails("async-invoke.connect-timeout=0s", "connectTimeout must be positive");
        assertStartupFails("async-invoke.response-timeout=-1s", "responseTimeout must be positive");
        assertStartupFails("async-invoke.endpoint=http://inference.example", "plain http");
        assertStartupFails("async-invoke.endpoint=ftp://inference.example", "must be an http(s) URL");
        assertStartupFails("async-invoke.user-agent-suffix=bad\u0001agent", "userAgentSuffix");
        assertStartupFails("async-invoke.polling.jitter=1.5", "jitter must be between");
        assertStartupFails("async-invoke.polling.backoff-factor=0.5", "backoffFactor");
        assertStartupFails("async-invoke.polling.timeout=0s", "timeout must be positive");
        assertStartupFails("async-invoke.retry.max-attempts=0", "maxAttempts must be at least 1");
        assertStartupFails("async-invoke.retry.min-backoff=10s", "below minBackoff");
        assertStartupFails("async-invoke.retry.max-server-delay=-1s", "maxServerDelay");
        assertStartupFails("async-invoke.budget.per-minute=1", "requests must be at least 2");
        assertStartupFails("async-invoke.budget.burst=0.9", "burst must be");
        // and allow-insecure-http lifts the http refusal
        runner.withPropertyValues("async-invoke.api-key=" + KEY, "async-invoke.endpoint=http://inference.example",
                "async-invoke.allow-insecure-http=true").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void listenerBeansAndCustomizersAreApplied() {
        runner.withPropertyValues("async-invoke.api-key=" + KEY).withUserConfiguration(ListenersAndCustomizer.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(AsyncInvokeAsyncClient.class);
                    assertThat(context.getBean(AsyncInvokeAsyncClient.class).pollingOptions().timeout())
                            .as("the customizer runs after the properties").isEqualTo(Duration.ofSeconds(42));
                });
    }

    private void assertStartupFails(String property, String message) {
        runner.withPropertyValues("async-invoke.api-key=" + KEY, property).run(context -> {
            assertThat(context).as(property).hasFailed();
            assertThat(context.getStartupFailure()).as(property).rootCause().hasMessageContaining(message);
        });
    }

    static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Configuration(proxyBeanMethods = false)
    static class NeedsClient {
        @Bean
        String userOfTheClient(AsyncInvokeAsyncClient client) {
            return client.toString();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAsyncClient {
        static final AsyncInvokeAsyncClient CLIENT = new AsyncInvokeClientBuilder().apiKey("sk-do-own")
                .endpoint("http://127.0.0.1:9").buildAsyncClient();

        @Bean
        AsyncInvokeAsyncClient myClient() {
            return CLIENT;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBlockingClient {
        static final AsyncInvokeClient CLIENT = new AsyncInvokeClientBuilder().apiKey("sk-do-own")
                .endpoint("http://127.0.0.1:9").buildClient();

        @Bean
        AsyncInvokeClient myBlockingClient() {
            return CLIENT;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenersAndCustomizer {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        @Bean
        AsyncInvokeListener recordingListener() {
            return new AsyncInvokeListener() {
                @Override
                public void jobFinished(io.asyncinvoke.client.spi.JobCall call, Job job) {
                    EVENTS.add(job.getRequestId());
                }
            };
        }

        @Bean
        AsyncInvokeClientBuilderCustomizer shortTimeout() {
            return builder -> builder.pollingOptions(PollingOptions.defaults().withTimeout(Duration.ofSeconds(42)));
        }
    }
}
