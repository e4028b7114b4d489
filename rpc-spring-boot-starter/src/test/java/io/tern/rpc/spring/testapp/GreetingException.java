package io.tern.rpc.spring.testapp;

public class GreetingException extends RuntimeException {
    public GreetingException(String message, Throwable cause) {
        super(message, cause);
    }
}
