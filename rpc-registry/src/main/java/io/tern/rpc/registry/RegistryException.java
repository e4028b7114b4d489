package io.tern.rpc.registry;

/** The registry could not be reached or used; the message names the address and the setting involved. */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
