package io.tern.rpc.benchmark.e2e;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tern.rpc.benchmark.model.WireSamples;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * gRPC consumer: one plaintext {@link ManagedChannel} to the provider (one HTTP/2 connection), async unary calls
 * ({@link ClientCalls#asyncUnaryCall}), each slot issuing its next call from the completion of the previous one as
 * {@link TernLoad}'s slots do. Every call carries the same 10 s deadline as Tern's. gRPC's defaults otherwise: the
 * channel's default executor runs the callbacks; with {@code direct} the channel uses {@code directExecutor()} and
 * they run on its transport thread, as Tern's do.
 */
final class GrpcLoad implements LoadTarget {
    private static final long VERIFY_SECONDS = 60;
    private final ManagedChannel channel;

    GrpcLoad(int port, boolean direct) throws Exception {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(GrpcEchoMethods.MAX_MESSAGE_BYTES);
        if (direct) {
            builder.directExecutor();
        }
        channel = builder.build();
        verify("echo");
        verify("pojo");
    }

    /** One call of {@code call}, checked to come back equal to its argument, so a broken peer cannot post numbers. */
    private void verify(String call) throws Exception {
        Object arg = WireSamples.argument(call);
        // a longer deadline than the measured calls': the first call also waits for the connection, which on a busy
        // machine can take seconds
        Object echoed = ClientCalls.futureUnaryCall(channel.newCall(descriptor(call), CallOptions.DEFAULT.withDeadlineAfter(
                VERIFY_SECONDS, TimeUnit.SECONDS)), new Object[]{arg}).get(VERIFY_SECONDS + 5, TimeUnit.SECONDS);
        if (!Objects.deepEquals(arg, echoed)) {
            throw new IllegalStateException("the gRPC provider did not echo the " + call + " argument");
        }
    }

    private static MethodDescriptor<Object[], Object> descriptor(String call) {
        return GrpcEchoMethods.of(WireSamples.method(call)).descriptor();
    }

    private io.grpc.ClientCall<Object[], Object> newCall(MethodDescriptor<Object[], Object> d) {
        return channel.newCall(d, CallOptions.DEFAULT.withDeadlineAfter(WireSamples.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Override
    public void start(String call, int concurrency, LoopState state) {
        try {
            verify(call);
        } catch (Exception e) {
            throw new IllegalStateException("gRPC " + call + " call failed", e);
        }
        MethodDescriptor<Object[], Object> d = descriptor(call);
        Object[] args = {WireSamples.argument(call)};
        for (int i = 0; i < concurrency; i++) {
            new Slot(d, args, state).fire();
        }
    }

    /** One of the C calls in flight; reused for each call it issues (a unary call completes before the next starts). */
    private final class Slot implements StreamObserver<Object> {
        private final MethodDescriptor<Object[], Object> descriptor;
        private final Object[] args;
        private final LoopState state;
        private long startNanos;
        private Object result;

        Slot(MethodDescriptor<Object[], Object> descriptor, Object[] args, LoopState state) {
            this.descriptor = descriptor;
            this.args = args;
            this.state = state;
        }

        void fire() {
            result = null;
            startNanos = System.nanoTime();
            ClientCalls.asyncUnaryCall(newCall(descriptor), args, this);
        }

        @Override
        public void onNext(Object value) {
            result = value;
        }

        @Override
        public void onCompleted() {
            long now = System.nanoTime();
            if (result != null) {
                state.record(now - startNanos);
            } else {
                state.error(new IllegalStateException("null result"));
            }
            next();
        }

        @Override
        public void onError(Throwable error) {
            state.error(error);
            next();
        }

        private void next() {
            if (state.running) {
                fire();
            } else {
                state.stopped();
            }
        }
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }
}
