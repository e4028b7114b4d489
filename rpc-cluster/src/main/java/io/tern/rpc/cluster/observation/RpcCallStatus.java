package io.tern.rpc.cluster.observation;

import io.tern.rpc.NoProviderException;
import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.Status;

import java.util.concurrent.CancellationException;

/**
 * The values of the {@code rpc.status} key: every response {@link Status} name, and for a call that got no answer
 * the status its exception carries ({@link RpcException#status()}: a timeout is {@code DEADLINE_EXCEEDED}, a broken
 * connection {@code INTERNAL_ERROR}), or {@link #NO_PROVIDER}, {@link #CANCELLED}, {@link #CLIENT_ERROR}. A small fixed
 * set, so each (service, method, status) triple's key values are made once.
 */
public final class RpcCallStatus {
    /** No provider of the service could take the call (none registered or none reachable); it never ran. */
    public static final String NO_PROVIDER = "NO_PROVIDER";
    /** The caller cancelled the call (its future), or gave up waiting. */
    public static final String CANCELLED = "CANCELLED";
    /** The call failed in the consumer with an exception that is not the framework's (a filter's, say). */
    public static final String CLIENT_ERROR = "CLIENT_ERROR";

    private static final Status[] STATUSES = Status.values();
    static final int NO_PROVIDER_INDEX = STATUSES.length;
    static final int CANCELLED_INDEX = NO_PROVIDER_INDEX + 1;
    static final int CLIENT_ERROR_INDEX = CANCELLED_INDEX + 1;
    static final int COUNT = CLIENT_ERROR_INDEX + 1;
    private static final String[] NAMES = names();

    private RpcCallStatus() {
    }

    private static String[] names() {
        String[] names = new String[COUNT];
        for (Status s : STATUSES) {
            names[s.ordinal()] = s.name();
        }
        names[NO_PROVIDER_INDEX] = NO_PROVIDER;
        names[CANCELLED_INDEX] = CANCELLED;
        names[CLIENT_ERROR_INDEX] = CLIENT_ERROR;
        return names;
    }

    static String name(int index) {
        return NAMES[index];
    }

    static int of(Status status) {
        return status.ordinal();
    }

    /** The index of what a consumer's call failed with, {@code failure} unwrapped from any CompletionException. */
    static int ofFailure(Throwable failure) {
        if (failure instanceof NoProviderException) {
            return NO_PROVIDER_INDEX;
        }
        if (failure instanceof RpcException rpc && rpc.status() != null) {
            return rpc.status().ordinal();
        }
        if (failure instanceof CancellationException) {
            return CANCELLED_INDEX;
        }
        return CLIENT_ERROR_INDEX;
    }
}
