package io.tern.rpc.cluster.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.tern.rpc.transport.ServerInvocation;

/**
 * One call a provider serves, as its {@code rpc.server} observation sees it. Its carrier is the call, whose
 * attachments a propagating tracing handler reads {@code traceparent}, {@code tracestate} and {@code baggage} from.
 */
public class RpcServerContext extends ReceiverContext<ServerInvocation> {
    final MethodKeys keys;
    private String status;
    int statusIndex = -1;
    /** When {@link RpcMeterObservationHandler} started timing it (its clock's monotonic nanoseconds). */
    long meterStartNanos;

    RpcServerContext(ServerInvocation call, MethodKeys keys) {
        super(ServerInvocation::attachment, Kind.SERVER);
        this.keys = keys;
        setCarrier(call);
    }

    public ServerInvocation getCall() {
        return getCarrier();
    }

    public String getServiceKey() {
        return keys.serviceKey();
    }

    public String getMethodName() {
        return keys.methodName();
    }

    /**
     * How the call ended: {@code OK}, {@code APPLICATION_ERROR} (the method or a filter threw, or its future failed),
     * or the status a filter refused it with ({@code ServerInvocation.reject}); null while it runs.
     */
    public String getStatus() {
        return status;
    }

    void status(int index) {
        this.statusIndex = index;
        this.status = RpcCallStatus.name(index);
    }
}
