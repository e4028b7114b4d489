package io.tern.rpc.transport;

import io.tern.rpc.protocol.Status;

/**
 * A global filter registered through META-INF/services (test resources of this module only). It acts only on calls
 * carrying {@link #ATTACHMENT}, so every other test's server passes through it unchanged.
 */
public final class LoadedServerFilter implements ServerFilter {
    public static final String ATTACHMENT = "tern-test-loaded-filter";

    @Override
    public Object filter(ServerInvocation call, ServerInvoker next) throws Throwable {
        String action = call.attachment(ATTACHMENT);
        if ("reject".equals(action)) {
            return call.reject(Status.BAD_REQUEST, "refused by the filter from META-INF/services");
        }
        if ("mark".equals(action)) {
            call.arguments()[0] = call.arguments()[0] + "+loaded"; // lets a later filter see that this one ran first
        }
        return next.invoke(call);
    }
}
