package io.tern.rpc.protocol.api;

/** An exception in the allowed API package of the RemoteExceptions tests. */
public class ApiException extends RuntimeException {
    public ApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
