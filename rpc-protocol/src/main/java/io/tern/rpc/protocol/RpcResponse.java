package io.tern.rpc.protocol;

import java.util.List;
import java.util.Map;

/**
 * A call's outcome: a status, then either the result (OK) or an error. For APPLICATION_ERROR the error chain
 * describes the provider's exception and its causes; for framework statuses it holds one entry with the message.
 */
public record RpcResponse(Status status, Object result, List<RemoteError> errors, Map<String, String> attachments) {

    public static RpcResponse ok(Object result) {
        return new RpcResponse(Status.OK, result, List.of(), Map.of());
    }

    public static RpcResponse status(Status status, String message) {
        return new RpcResponse(status, null, List.of(new RemoteError(null, message, new StackTraceElement[0])), Map.of());
    }

    public static RpcResponse error(Throwable t) {
        return new RpcResponse(Status.APPLICATION_ERROR, null, RemoteError.chainOf(t), Map.of());
    }

    /** The first error's message, or the status name. */
    public String message() {
        if (errors.isEmpty() || errors.get(0).message() == null) {
            return status.name();
        }
        return errors.get(0).message();
    }

    /** One throwable of an error chain: its class name (null for framework statuses), message and stack. */
    public record RemoteError(String className, String message, StackTraceElement[] stackTrace) {
        public static final int MAX_CHAIN = 8;

        public static List<RemoteError> chainOf(Throwable t) {
            java.util.ArrayList<RemoteError> chain = new java.util.ArrayList<>();
            for (Throwable c = t; c != null && chain.size() < MAX_CHAIN; c = c.getCause()) {
                chain.add(new RemoteError(c.getClass().getName(), c.getMessage(), c.getStackTrace()));
                if (c.getCause() == c) {
                    break;
                }
            }
            return chain;
        }
    }
}
