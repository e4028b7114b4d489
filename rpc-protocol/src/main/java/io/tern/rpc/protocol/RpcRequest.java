package io.tern.rpc.protocol;

import java.util.Map;

/**
 * A decoded or to-be-encoded call: service key, method name, parameter type descriptors (erased class names, as
 * {@link Class#getName()}), arguments and string attachments (deadline, attempt number, ...).
 */
public record RpcRequest(String serviceKey, String methodName, String[] parameterTypes, Object[] arguments,
                         Map<String, String> attachments) {

    /** Attachment: the remaining deadline in milliseconds when the request was sent. */
    public static final String DEADLINE_MS = "deadline-ms";
    /** Attachment: 0 for the first try, > 0 for a retry or a backup request. */
    public static final String ATTEMPT = "attempt";
    /** Attachment: set by a provider calling onward, so only one layer of a call chain retries. */
    public static final String NO_RETRY = "no-retry";
    /** Attachment: the shared authentication token (checked and removed by the provider; never logged). */
    public static final String AUTH_TOKEN = "auth-token";

    public String attachment(String key) {
        return attachments.get(key);
    }
}
