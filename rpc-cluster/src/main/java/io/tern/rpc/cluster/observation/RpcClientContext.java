package io.tern.rpc.cluster.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.tern.rpc.cluster.Invocation;

import java.util.Map;

/**
 * One logical call as a consumer's {@code rpc.client} observation sees it. Its carrier is the request's attachments,
 * so a propagating tracing handler writes {@code traceparent}, {@code tracestate} and {@code baggage} into what every
 * attempt of the call (retries, backup requests) sends.
 */
public class RpcClientContext extends SenderContext<Map<String, String>> {
    private final Invocation invocation;
    final MethodKeys keys;
    private String status;
    int statusIndex = -1;
    /** When {@link RpcMeterObservationHandler} started timing it (its clock's monotonic nanoseconds). */
    long meterStartNanos;
    private String provider;

    RpcClientContext(Invocation invocation, MethodKeys keys) {
        super(Map::put, Kind.CLIENT);
        this.invocation = invocation;
        this.keys = keys;
        setCarrier(invocation.request().attachments());
    }

    public Invocation getInvocation() {
        return invocation;
    }

    /** The service key, {@code interface[:version][@group]}. */
    public String getServiceKey() {
        return keys.serviceKey();
    }

    public String getMethodName() {
        return keys.methodName();
    }

    /**
     * How the call ended, once it has: a response {@code Status} name ({@code OK}, {@code APPLICATION_ERROR},
     * {@code SERVER_BUSY}...), or for a call that got no answer the status its exception carries, {@code NO_PROVIDER},
     * {@code CANCELLED} or {@code CLIENT_ERROR} (see {@link RpcCallStatus}); null while it runs.
     */
    public String getStatus() {
        return status;
    }

    void status(int index) {
        this.statusIndex = index;
        this.status = RpcCallStatus.name(index);
    }

    /**
     * {@code host:port} of the provider whose answer became the call's outcome (with a backup request, the winning
     * attempt's), once the call is complete; null when none was picked or the reference is to one address.
     */
    public String getProvider() {
        return provider;
    }

    void provider(String address) {
        this.provider = address;
    }
}
