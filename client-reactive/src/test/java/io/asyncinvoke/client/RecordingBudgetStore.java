package io.asyncinvoke.client;

import io.asyncinvoke.client.spi.BudgetStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test's {@link BudgetStore} that is its own one budget and records what a client passes on to it
 * (the spec it opens, every hold and resize, each answered at once); how it answers
 * {@link #tryTake()} is each test's. Thread-safe, so that it serves over real HTTP as well as
 * under a virtual clock.
 */
abstract class RecordingBudgetStore implements BudgetStore, BudgetStore.Budget {
    private final String name;
    volatile Spec spec;
    final List<Duration> holds = new CopyOnWriteArrayList<>();
    final List<List<Bandwidth>> resizes = new CopyOnWriteArrayList<>();

    /** @param name what {@link #toString()} says: the name the budget's logs and listener give the store */
    RecordingBudgetStore(String name) {
        this.name = name;
    }

    @Override
    public Budget open(Spec spec) {
        this.spec = spec;
        return this;
    }

    @Override
    public CompletionStage<Void> hold(Duration duration) {
        holds.add(duration);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> resize(List<Bandwidth> bandwidths) {
        resizes.add(bandwidths);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return name;
    }
}
