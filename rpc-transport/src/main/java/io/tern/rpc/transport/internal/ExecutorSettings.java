package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ServerConfig;

import static io.tern.rpc.transport.internal.ConfigCheck.require;

/**
 * The provider's business executor as configured: at most {@code threads} threads, {@code queue} calls waiting beyond
 * them, {@code parallelism} threads kept awake for non-blocking calls (see {@link BusinessExecutor}). Part of
 * {@link ServerConfig}, checked when it is built.
 */
public record ExecutorSettings(int threads, int queue, int parallelism) {

    public ExecutorSettings check() {
        require(threads >= 1, "rpc.server.executor-threads must be >= 1, was " + threads);
        require(parallelism >= 1, "rpc.server.executor-parallelism must be >= 1, was " + parallelism);
        require(queue >= 0, "rpc.server.executor-queue must be >= 0, was " + queue);
        return this;
    }
}
