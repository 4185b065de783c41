/**
 * The async-invoke client's request budget shared through Redis ({@link io.asyncinvoke.redis.RedisBudgetStore}),
 * a {@link io.asyncinvoke.client.spi.BudgetStore}: every process of one endpoint and API key counts on one budget.
 */
package io.asyncinvoke.redis;
