package io.tern.rpc.spring.testapp;

import io.tern.rpc.spring.RpcService;

import java.util.concurrent.CompletableFuture;

/** Exported as version 2.0, group blue, weight 250: attributes that override rpc.server.weight. */
@RpcService(version = "2.0", group = "blue", weight = 250, mode = "direct")
public class BlueGreetingService implements GreetingService {
    @Override
    public String greet(String name) {
        return "blue hello " + name;
    }

    @Override
    public CompletableFuture<String> greetAsync(String name) {
        return CompletableFuture.completedFuture("blue async hello " + name);
    }

    @Override
    public String fail(String message) {
        throw new GreetingException(message, null);
    }

    @Override
    public String slow(long millis) {
        return "blue";
    }

    @Override
    public String whoAreYou() {
        return "blue";
    }
}
