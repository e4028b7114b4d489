package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Greeter calls through a {@link ClientConnection}, with protostuff and no compression. */
final class Calls {
    private Calls() {
    }

    static CallSpec spec(String method, Class<?>... params) {
        return CallSpec.of(Wire.codecs(method, params), Serializers.protostuff(), Compression.NONE);
    }

    static RpcRequest request(String method, Class<?>[] params, Object[] args, Map<String, String> attachments) {
        return new RpcRequest(Wire.GREETER, method, Wire.codecs(method, params).descriptors(), args, attachments);
    }

    static CompletableFuture<RpcResponse> hello(ClientConnection c, String name, long timeoutMillis) {
        return c.call(request("hello", new Class<?>[]{String.class}, new Object[]{name}, Map.of()), spec("hello", String.class), timeoutMillis);
    }

    static CompletableFuture<RpcResponse> slow(ClientConnection c, long sleepMillis, long timeoutMillis) {
        return slow(c, sleepMillis, timeoutMillis, Map.of());
    }

    static CompletableFuture<RpcResponse> slow(ClientConnection c, long sleepMillis, long timeoutMillis, Map<String, String> attachments) {
        return c.call(request("slow", new Class<?>[]{long.class}, new Object[]{sleepMillis}, attachments), spec("slow", long.class), timeoutMillis);
    }

    static TransportClient client() {
        return new TransportClient(ClientConfig.builder().ioThreads(1).build());
    }
}
