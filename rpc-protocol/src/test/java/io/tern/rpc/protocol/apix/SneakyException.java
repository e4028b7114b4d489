package io.tern.rpc.protocol.apix;

/**
 * An exception in a package that is NOT allowed (its package name merely starts with the allowed "...api").
 * Tests refer to it only by name: initialising it sets a system property, which they assert never happens.
 */
public class SneakyException extends RuntimeException {
    public static final String INITIALISED = "tern.sneaky.initialised";

    static {
        System.setProperty(INITIALISED, "true");
    }

    public SneakyException(String message, Throwable cause) {
        super(message, cause);
    }
}
