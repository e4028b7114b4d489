package io.tern.rpc.cluster;

import io.tern.rpc.RpcConnectionException;
import io.tern.rpc.RpcException;
import io.tern.rpc.RpcTimeoutException;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

/**
 * What an attempt's outcome says about retrying it (SPEC §3):
 * <ul>
 *   <li>Never ran (connect refused, GOAWAY, SERVER_BUSY, SHUTTING_DOWN, SERVICE_NOT_FOUND, DEADLINE_EXCEEDED in the
 *   provider's queue): may go to another provider.</li>
 *   <li>May have run (dropped in flight, timeout): only an idempotent method may run again.</li>
 *   <li>Application exceptions: never retried.</li>
 *   <li>Refused by this client before sending, for what the call is: never retried, not held against the provider.</li>
 * </ul>
 */
final class RetryRules {
    private RetryRules() {
    }

    /** Whether the provider may have run the request ({@code failure} unwrapped; null for an answer). */
    static boolean neverRan(Throwable failure, RpcResponse response) {
        if (failure == null) {
            return response.status().neverRan();
        }
        return failure instanceof RpcException r && !r.requestMayHaveRun();
    }

    /** Whether running it again is safe for this call: it never ran, or it is idempotent and was lost in transit. */
    static boolean safeToRepeat(Throwable failure, boolean neverRan, boolean idempotent) {
        return neverRan || (idempotent && (failure instanceof RpcConnectionException || failure instanceof RpcTimeoutException));
    }

    /** A refusal because the provider is leaving (GOAWAY seen, SHUTTING_DOWN, or not connected any more). */
    static boolean isGoingAway(Throwable failure, RpcResponse response) {
        if (failure instanceof RpcConnectionException c) {
            return !c.requestMayHaveRun();
        }
        return failure == null && response.status() == Status.SHUTTING_DOWN;
    }

    /**
     * Refused by this client before sending, for what the call itself is (a request over rpc.max-frame-length,
     * arguments that cannot be encoded): its status is not one that SPEC §2 calls safe to retry elsewhere, and
     * every provider would get the same refusal. A refusal about the connection (not connected, GOAWAY, too many
     * calls pending on it) is different: another provider may take the call.
     */
    static boolean refusedLocally(Throwable failure) {
        return failure instanceof RpcException r && !r.requestMayHaveRun() && !(failure instanceof RpcConnectionException)
                && !r.status().neverRan();
    }

    /** The caller asked that this call is not repeated (a nested call of a request that may itself be retried). */
    static boolean noRetryMark(Invocation invocation) {
        return invocation.request().attachment(RpcRequest.NO_RETRY) != null;
    }
}
