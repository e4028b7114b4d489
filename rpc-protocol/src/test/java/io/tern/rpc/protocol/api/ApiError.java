package io.tern.rpc.protocol.api;

/**
 * An Error in the allowed API package. Tests refer to it only by name: initialising it sets a system property, which
 * they assert never happens (an Error is never rebuilt, so never instantiated, so never initialised).
 */
public class ApiError extends Error {
    public static final String INITIALISED = "tern.apierror.initialised";

    static {
        System.setProperty(INITIALISED, "true");
    }

    public ApiError(String message, Throwable cause) {
        super(message, cause);
    }
}
