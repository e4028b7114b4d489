package io.tern.rpc.testsupport;

/** A checked exception declared by {@link Greeter#failWithCause}. */
public class GreeterException extends Exception {
    public GreeterException(String message, Throwable cause) {
        super(message, cause);
    }
}
