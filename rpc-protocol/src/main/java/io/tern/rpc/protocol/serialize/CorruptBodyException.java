package io.tern.rpc.protocol.serialize;

/** A message body could not be decoded: truncated, corrupt, or naming a type that is not allowed. */
public class CorruptBodyException extends RuntimeException {
    public CorruptBodyException(String message) {
        super(message);
    }

    public CorruptBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
