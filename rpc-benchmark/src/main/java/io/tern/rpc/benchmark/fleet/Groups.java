package io.tern.rpc.benchmark.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs work on threads of a given {@link ThreadGroup}, so that the client threads it starts belong to that group
 * (see {@link ThreadCpu}).
 */
final class Groups {
    private Groups() {
    }

    /** Runs {@code task(i)} for i in [0, n) on {@code parallelism} threads of {@code group}; rethrows the first failure. */
    static void forEach(ThreadGroup group, int n, int parallelism, IntConsumer task) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parallelism; t++) {
            Thread thread = new Thread(group, () -> {
                for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        task.accept(i);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, group.getName() + "-builder-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds something on a thread of {@code group} (e.g. an executor, whose thread factory takes that group). */
    static <T> T build(ThreadGroup group, java.util.function.Supplier<T> supplier) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        forEach(group, 1, 1, i -> out.set(supplier.get()));
        return out.get();
    }
}
