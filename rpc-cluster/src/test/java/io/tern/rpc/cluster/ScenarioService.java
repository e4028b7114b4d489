package io.tern.rpc.cluster;

import io.tern.rpc.Idempotent;

/** The service of the cluster scenario tests. */
public interface ScenarioService {
    @Idempotent
    String get(int key);

    /** Not idempotent: must never run twice for one call. */
    String write(int key);

    @Idempotent
    String slowGet(long millis);

    /** Calls {@code slowGet(millis)} on another service from inside the provider. */
    @Idempotent
    String relay(long millis);
}
