package io.tern.rpc.spring.testapp;

import io.tern.rpc.spring.RpcService;
import org.springframework.beans.factory.annotation.Value;

import java.util.concurrent.CompletableFuture;

/** Exported with every attribute left to the properties. */
@RpcService
public class GreetingServiceImpl implements GreetingService {
    private final String name;

    public GreetingServiceImpl(@Value("${test.name:provider}") String name) {
        this.name = name;
    }

    @Override
    public String greet(String who) {
        return "hello " + who + " from " + name;
    }

    @Override
    public CompletableFuture<String> greetAsync(String who) {
        return CompletableFuture.supplyAsync(() -> "async hello " + who + " from " + name);
    }

    @Override
    public String fail(String message) {
        throw new GreetingException(message, new IllegalStateException("the cause"));
    }

    @Override
    public String slow(long millis) {
        try {
            Thread.sleep(millis); // simulated work
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return name;
    }

    @Override
    public String whoAreYou() {
        return name;
    }
}
