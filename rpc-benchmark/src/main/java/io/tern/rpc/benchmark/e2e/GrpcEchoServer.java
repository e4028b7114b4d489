package io.tern.rpc.benchmark.e2e;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tern.rpc.benchmark.model.EchoService;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC provider of modes {@code grpc} and {@code grpc-direct}: every {@link EchoService} method as a unary gRPC
 * method ({@link GrpcEchoMethods}) answered by the same implementation Tern exports. gRPC's defaults otherwise
 * (shaded Netty, its default server executor, flow control and thread counts), except {@code direct}: the server
 * runs calls on its transport threads ({@code directExecutor()}, like Tern's DIRECT mode), and the message size
 * limit, raised to Tern's frame limit so the large payload calls fit.
 */
final class GrpcEchoServer implements AutoCloseable {
    private final Server server;

    GrpcEchoServer(EchoService impl, boolean direct) throws IOException {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(GrpcEchoMethods.SERVICE);
        for (GrpcEchoMethods.Entry e : GrpcEchoMethods.all()) {
            service.addMethod(e.descriptor(), ServerCalls.asyncUnaryCall((args, out) -> invoke(impl, e.method(), args, out)));
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(GrpcEchoMethods.MAX_MESSAGE_BYTES)
                .addService(service.build());
        if (direct) {
            builder.directExecutor();
        }
        server = builder.build().start();
    }

    /** Calls the implementation and answers when its future completes (at once: the futures are completed ones). */
    private static void invoke(EchoService impl, Method m, Object[] args, StreamObserver<Object> out) {
        CompletableFuture<?> result;
        try {
            result = (CompletableFuture<?>) m.invoke(impl, args);
        } catch (InvocationTargetException e) {
            out.onError(Status.INTERNAL.withCause(e.getCause()).withDescription(String.valueOf(e.getCause())).asRuntimeException());
            return;
        } catch (IllegalAccessException e) {
            out.onError(Status.INTERNAL.withCause(e).withDescription(e.toString()).asRuntimeException());
            return;
        }
        result.whenComplete((value, error) -> {
            if (error != null) {
                out.onError(Status.INTERNAL.withCause(error).withDescription(error.toString()).asRuntimeException());
            } else {
                out.onNext(value);
                out.onCompleted();
            }
        });
    }

    int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
    }
}
