package io.tern.rpc.benchmark.cluster;

import io.tern.rpc.Idempotent;

import java.util.concurrent.CompletableFuture;

/**
 * The service of the tail-latency benchmark. Asynchronous on the consumer side so one sender thread can hold the
 * offered load fixed (open loop); {@link Idempotent} so backup requests and retries after a timeout are allowed.
 */
public interface TailService {
    @Idempotent
    CompletableFuture<Integer> get(int key);
}
