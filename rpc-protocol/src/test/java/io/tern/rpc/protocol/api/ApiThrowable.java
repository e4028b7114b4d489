package io.tern.rpc.protocol.api;

/**
 * A bare Throwable (neither Exception nor Error) in the allowed API package, whose static initializer records that
 * it ran and then throws. Tests refer to it only by name and assert it is never initialised.
 */
public class ApiThrowable extends Throwable {
    public static final String INITIALISED = "tern.apithrowable.initialised";

    static {
        System.setProperty(INITIALISED, "true");
        if (Boolean.parseBoolean("true")) {
            throw new IllegalStateException("ApiThrowable must never be initialised");
        }
    }

    public ApiThrowable(String message, Throwable cause) {
        super(message, cause);
    }
}
