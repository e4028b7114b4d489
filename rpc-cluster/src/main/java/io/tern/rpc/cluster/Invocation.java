package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.transport.internal.CallSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One call travelling down the client stack: the request, how to encode it, whether the method may run twice, its
 * absolute deadline ({@link System#nanoTime()} based), and the providers its attempts went to so far (the balancing
 * link adds each pick; retries and backups of the call share the list and the deadline).
 */
public final class Invocation {
    private final RpcRequest request;
    private final CallSpec spec;
    private final boolean idempotent;
    private final long deadlineNanos;
    /** Made on the first pick: a call to one address (no balancing) never needs it. */
    private Attempts tried;

    public Invocation(RpcRequest request, CallSpec spec, boolean idempotent, long deadlineNanos) {
        this(request, spec, idempotent, deadlineNanos, null);
    }

    private Invocation(RpcRequest request, CallSpec spec, boolean idempotent, long deadlineNanos, Attempts tried) {
        this.request = request;
        this.spec = spec;
        this.idempotent = idempotent;
        this.deadlineNanos = deadlineNanos;
        this.tried = tried;
    }

    public RpcRequest request() {
        return request;
    }

    /** How the request is encoded (serializer, compression, codecs): Tern's own, not API. */
    public CallSpec spec() {
        return spec;
    }

    public boolean idempotent() {
        return idempotent;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * The providers this call's attempts went to so far, in order (empty on the first attempt). Only the call's own
     * attempts touch it, one at a time.
     */
    public List<Endpoint> tried() {
        return attempts();
    }

    private Attempts attempts() {
        if (tried == null) {
            tried = new Attempts();
        }
        return tried;
    }

    /**
     * The provider whose answer (or failure) became the call's outcome, once the call is complete; null when no
     * provider was picked (none available, or a reference to one address, which has no balancing). With a backup
     * request that is the attempt that won, not the one sent last. Makes no list.
     */
    public Endpoint answeredBy() {
        Attempts t = tried;
        return t == null ? null : t.answeredBy;
    }

    /** Set by the fault-tolerance link before it completes the call; shared by every copy of this invocation. */
    void answeredBy(Endpoint endpoint) {
        attempts().answeredBy = endpoint;
    }

    /**
     * Set by the deadline link when the request being served had less time left than this call's own timeout, so
     * the call got {@code deadlineNanos} instead; shared by every copy of this invocation.
     */
    void deadlineInherited(long deadlineNanos) {
        Attempts t = attempts();
        t.inherited = true;
        t.inheritedDeadlineNanos = deadlineNanos;
    }

    /** Whether {@link #deadlineInherited} shortened this call's deadline. */
    boolean hasInheritedDeadline() {
        Attempts t = tried;
        return t != null && t.inherited;
    }

    /** The deadline given by the request being served (valid when {@link #hasInheritedDeadline()}). */
    long inheritedDeadlineNanos() {
        return tried.inheritedDeadlineNanos;
    }

    /** Milliseconds left before the deadline (at least 0). */
    public long remainingMillis() {
        return remainingMillis(System.nanoTime());
    }

    /** Milliseconds left at {@code nowNanos} (at least 0). */
    public long remainingMillis(long nowNanos) {
        return Math.max(0, (deadlineNanos - nowNanos) / 1_000_000L);
    }

    /** The same call with another request (e.g. attachments added) and deadline; same attempt history. */
    public Invocation with(RpcRequest newRequest, long newDeadlineNanos) {
        return new Invocation(newRequest, spec, idempotent, newDeadlineNanos, attempts());
    }

    /** The providers picked for a call's attempts, and which of them answered it: one per call, shared by its copies. */
    private static final class Attempts extends ArrayList<Endpoint> {
        Endpoint answeredBy;
        boolean inherited;
        long inheritedDeadlineNanos;

        Attempts() {
            super(2);
        }
    }
}
