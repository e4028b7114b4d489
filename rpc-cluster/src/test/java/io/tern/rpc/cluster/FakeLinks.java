package io.tern.rpc.cluster;

import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Fakes for testing one link of the call path alone: a clock, a timer on it, and a next link the test answers. */
final class FakeLinks {
    private FakeLinks() {
    }

    /** A nanosecond clock that moves only when told; its timer runs tasks as time passes their due time. */
    static final class Clock implements Scheduler {
        private final AtomicLong now = new AtomicLong(1_000_000_000L);
        private final List<long[]> due = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        long nanoTime() {
            return now.get();
        }

        @Override
        public synchronized Runnable schedule(Runnable task, long delayNanos) {
            long[] at = {now.get() + delayNanos};
            due.add(at);
            tasks.add(task);
            return () -> {
                synchronized (Clock.this) {
                    int i = due.indexOf(at);
                    if (i >= 0) {
                        due.remove(i);
                        tasks.remove(i);
                    }
                }
            };
        }

        synchronized int pendingTasks() {
            return tasks.size();
        }

        /** Moves time forward by {@code millis}, running the tasks that fall due (outside the lock). */
        void advanceMillis(long millis) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
            List<Runnable> run = new ArrayList<>();
            synchronized (this) {
                Iterator<long[]> d = due.iterator();
                Iterator<Runnable> t = tasks.iterator();
                while (d.hasNext()) {
                    long[] at = d.next();
                    Runnable task = t.next();
                    if (at[0] <= now.get()) {
                        d.remove();
                        t.remove();
                        run.add(task);
                    }
                }
            }
            run.forEach(Runnable::run);
        }
    }

    /** The next link: records each invocation it is given and returns a future the test completes. */
    static final class Next implements Invoker {
        final List<Invocation> invocations = new ArrayList<>();
        final List<CompletableFuture<RpcResponse>> futures = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<RpcResponse> invoke(Invocation invocation) {
            invocations.add(invocation);
            CompletableFuture<RpcResponse> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        }

        synchronized int calls() {
            return invocations.size();
        }

        synchronized CompletableFuture<RpcResponse> attempt(int i) {
            return futures.get(i);
        }

        synchronized String attachment(int i, String key) {
            return invocations.get(i).request().attachment(key);
        }
    }

    private static final io.tern.rpc.transport.internal.CallSpec SPEC = spec();

    private static io.tern.rpc.transport.internal.CallSpec spec() {
        try {
            return io.tern.rpc.transport.internal.CallSpec.of(new io.tern.rpc.transport.internal.MethodCodecs(Runnable.class.getMethod("run")),
                    io.tern.rpc.protocol.serialize.Serializers.protostuff(), io.tern.rpc.protocol.Compression.NONE, "svc");
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** A call with {@code timeoutMillis} left on {@code clock}. */
    static Invocation call(Clock clock, boolean idempotent, long timeoutMillis) {
        return call(clock.nanoTime(), idempotent, timeoutMillis);
    }

    /** A call made at {@code nowNanos} (of whatever clock the link under test reads) with {@code timeoutMillis} left. */
    static Invocation call(long nowNanos, boolean idempotent, long timeoutMillis) {
        RpcRequest request = new RpcRequest("svc", "m", new String[0], new Object[0], Attachments.ofCall(timeoutMillis, 0, false));
        return new Invocation(request, SPEC, idempotent, nowNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }
}
