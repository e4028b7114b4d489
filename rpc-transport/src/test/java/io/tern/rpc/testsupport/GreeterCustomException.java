package io.tern.rpc.testsupport;

/** An undeclared runtime exception in the service's package: rebuilt on the caller with the same type. */
public class GreeterCustomException extends RuntimeException {
    public GreeterCustomException(String message) {
        super(message);
    }
}
