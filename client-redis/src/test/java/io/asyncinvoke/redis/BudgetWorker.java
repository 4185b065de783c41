package io.asyncinvoke.redis;

import io.asyncinvoke.client.AsyncInvokeAsyncClient;
import io.asyncinvoke.client.AsyncInvokeClientBuilder;
import io.asyncinvoke.client.InvokeRequests;
import io.asyncinvoke.client.PollingOptions;
import io.asyncinvoke.client.RequestBudgetOptions;
import io.asyncinvoke.client.spi.AsyncInvokeListener;
import io.asyncinvoke.client.spi.Exchange;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;

/**
 * One process of a multi-process run: a client of the simulator at {@code baseUrl} whose budget
 * ({@code limit} requests per {@code windowMillis}) is kept in Redis (or in process with
 * {@code -}), running {@code jobs} image jobs at once after the parent says {@code GO} on stdin.
 * Prints {@code READY}, then {@code EVENT ...} lines as they come, one {@code SENT} line (when
 * each request got past the budget, in epoch milliseconds: comparable between processes) and one
 * {@code RESULT k=v ...} line, whose times are milliseconds since {@code GO}. Exit code 0 unless something broke.
 *
 * <p>{@code java -cp <test class path> io.asyncinvoke.redis.BudgetWorker baseUrl apiKey redisUrl|- jobs limit windowMillis [pollMillis]}
 * (a fixed poll interval; without it, the default adaptive schedule).
 */
public final class BudgetWorker {

    private BudgetWorker() {
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        String apiKey = args[1];
        String redisUrl = args[2];
        int jobs = Integer.parseInt(args[3]);
        int limit = Integer.parseInt(args[4]);
        Duration window = Duration.ofMillis(Long.parseLong(args[5]));
        long pollMillis = args.length > 6 ? Long.parseLong(args[6]) : 0;

        AtomicInteger requests = new AtomicInteger();
        AtomicInteger tooMany = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger restored = new AtomicInteger();
        long[] go = new long[1];
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        AsyncInvokeListener listener = new AsyncInvokeListener() {
            @Override
            public void requestStarted(Exchange exchange) {
                sentAt.add(System.currentTimeMillis());
            }

            @Override
            public void requestCompleted(Exchange exchange, int statusCode, Throwable error, Duration duration) {
                requests.incrementAndGet();
                if (statusCode == 429) {
                    tooMany.incrementAndGet();
                }
            }

            @Override
            public void budgetStoreUnavailable(String store, Throwable cause) {
                unavailable.incrementAndGet();
                System.out.println("EVENT unavailable " + since(go[0]));
            }

            @Override
            public void budgetStoreRestored(String store, Duration outage) {
                restored.incrementAndGet();
                System.out.println("EVENT restored " + since(go[0]));
            }
        };
        RedisBudgetStore store = redisUrl.equals("-") ? null : RedisBudgetStore.builder().url(redisUrl)
                .retryInterval(Duration.ofSeconds(1)).build();
        AsyncInvokeAsyncClient client = new AsyncInvokeClientBuilder().endpoint(baseUrl).apiKey(apiKey)
                .requestBudget(RequestBudgetOptions.of(limit, window))
                .budgetStore(store)
                .listener(listener)
                .pollingOptions(pollMillis <= 0 ? PollingOptions.defaults() : PollingOptions.defaults()
                        .withFirstDelay(Duration.ofMillis(pollMillis)).withInterval(Duration.ofMillis(pollMillis))
                        .withBackoffFactor(1))
                .buildAsyncClient();

        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"GO".equals(in.readLine())) {
            System.exit(3);
        }
        go[0] = System.nanoTime();
        List<Long> completedAt = new CopyOnWriteArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        Flux.range(0, jobs)
                .flatMap(i -> client.invoke(InvokeRequests.image("fal-ai/flux/schnell").prompt("job " + i).build())
                        .doOnNext(job -> completedAt.add(since(go[0])))
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                            return reactor.core.publisher.Mono.<Job>empty();
                        }), jobs)
                .filter(job -> job.getStatus() == JobState.COMPLETED)
                .count()
                .block(Duration.ofMinutes(3));
        List<Long> sorted = completedAt.stream().sorted().collect(Collectors.toList());
        errors.forEach(e -> System.out.println("ERROR " + e.replace('\n', ' ')));
        System.out.println("SENT " + sentAt.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
        System.out.println(String.format(Locale.ROOT,
                "RESULT completed=%d failed=%d requests=%d tooMany=%d unavailable=%d restored=%d first=%d last=%d",
                sorted.size(), failed.get(), requests.get(), tooMany.get(), unavailable.get(), restored.get(),
                sorted.isEmpty() ? -1 : sorted.get(0), sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1)));
        System.out.flush();
        if (store != null) {
            store.close();
        }
        System.exit(0);
    }

    private static long since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
