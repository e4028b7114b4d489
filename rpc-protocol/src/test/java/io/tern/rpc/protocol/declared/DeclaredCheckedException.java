package io.tern.rpc.protocol.declared;

/** A checked exception outside every allowed package: rebuilt only because a referenced method declares it. */
public class DeclaredCheckedException extends Exception {
    public DeclaredCheckedException(String message, Throwable cause) {
        super(message, cause);
    }
}
