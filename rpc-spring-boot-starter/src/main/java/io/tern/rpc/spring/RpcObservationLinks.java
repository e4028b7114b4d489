package io.tern.rpc.spring;

import io.tern.rpc.cluster.ClientFilter;
import io.tern.rpc.transport.ServerFilter;

/**
 * The observation filters the starter puts first on its client and server, or null for a side that gets none. An
 * interface free of Micrometer types, so the starter's beans load without Micrometer on the class path; the one
 * implementation is {@link MicrometerObservationLinks}, made only when Micrometer Observation is there.
 */
interface RpcObservationLinks {
    ClientFilter client();

    ServerFilter server();
}
