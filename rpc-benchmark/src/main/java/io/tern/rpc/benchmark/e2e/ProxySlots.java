package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.BlobPojo;
import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.benchmark.model.RowsPojo;
import io.tern.rpc.benchmark.model.SmallPojo;
import io.tern.rpc.benchmark.model.WireSamples;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The closed loop over an {@link EchoService} proxy whose methods return futures (Tern's and Dubbo's): C slots, each
 * issuing its next call from the completion of the previous one, on whatever thread completes it (no hand-off).
 */
final class ProxySlots {
    private ProxySlots() {
    }

    /** The call as a function of the proxy: a direct interface call, no reflection on the consumer's side. */
    static Function<EchoService, CompletableFuture<?>> invoker(String call) {
        Object arg = WireSamples.argument(call);
        return switch (WireSamples.method(call).getName()) {
            case "echo" -> s -> s.echo((String) arg);
            case "echoPojo" -> s -> s.echoPojo((SmallPojo) arg);
            case "echoBlob" -> s -> s.echoBlob((BlobPojo) arg);
            case "echoRows" -> s -> s.echoRows((RowsPojo) arg);
            default -> throw new IllegalArgumentException(call);
        };
    }

    /** Starts {@code concurrency} slots calling {@code call} on {@code service}. */
    static void start(EchoService service, String call, int concurrency, LoopState state) {
        Function<EchoService, CompletableFuture<?>> invoke = invoker(call);
        for (int i = 0; i < concurrency; i++) {
            new Slot(service, invoke, state).fire();
        }
    }

    private static final class Slot implements BiConsumer<Object, Throwable> {
        private final EchoService service;
        private final Function<EchoService, CompletableFuture<?>> invoke;
        private final LoopState state;
        private long startNanos;

        Slot(EchoService service, Function<EchoService, CompletableFuture<?>> invoke, LoopState state) {
            this.service = service;
            this.invoke = invoke;
            this.state = state;
        }

        void fire() {
            startNanos = System.nanoTime();
            invoke.apply(service).whenComplete(this);
        }

        @Override
        public void accept(Object result, Throwable error) {
            long now = System.nanoTime();
            if (error == null && result != null) {
                state.record(now - startNanos);
            } else {
                state.error(error != null ? error : new IllegalStateException("null result"));
            }
            if (state.running) {
                fire();
            } else {
                state.stopped();
            }
        }
    }
}
