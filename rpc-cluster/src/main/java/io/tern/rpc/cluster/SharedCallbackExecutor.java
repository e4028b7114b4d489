package io.tern.rpc.cluster;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of {@code rpc.consumer.callback-executor=default}: a cached pool shared by the process, as gRPC's
 * default executor. Callbacks on it may block, so a callback that finds no idle thread gets a new one; idle threads
 * end after a minute, and all are daemons. Not {@code ForkJoinPool.commonPool()}: on two cores or fewer the
 * JDK runs "common pool" tasks of CompletableFuture on a new thread each, and its few threads are shared with
 * parallel streams.
 */
final class SharedCallbackExecutor {
    static final Executor INSTANCE = create();

    private SharedCallbackExecutor() {
    }

    private static Executor create() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "tern-callback-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
