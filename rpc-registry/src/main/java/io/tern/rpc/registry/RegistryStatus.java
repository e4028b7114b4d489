package io.tern.rpc.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of a registry session as health checks and operators see it. A registry that is not {@link State#CONNECTED}
 * still serves its subscribers the last provider lists it knew, so calls keep working; what stops is news of
 * providers that come and go, and (for a provider) being found by consumers that start meanwhile.
 *
 * @param state       what the session is doing
 * @param since       when it entered this state (for a disconnection: when the connection was lost, even if the
 *                    session has expired since)
 * @param description one line for humans, e.g. {@code zookeeper://10.0.0.1:2181: connection lost (SUSPENDED)}
 */
public record RegistryStatus(State state, Instant since, String description) {

    public enum State {
        /** Connected: provider lists are current, registrations are published. */
        CONNECTED,
        /** The connection is down; the session may still be alive. Lists are the last known ones. */
        SUSPENDED,
        /** The session expired while disconnected; lists are the last known ones, registrations are re-created on reconnect. */
        LOST,
        /** No session by design: a fixed provider list ({@code direct://}). */
        FIXED,
        /** Closed: no more lists or registrations. */
        CLOSED,
        /** A registry implementation that does not report its state. */
        UNKNOWN
    }

    public RegistryStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(description, "description");
    }

    /** True while provider lists follow the registry live (connected, or a fixed list that cannot go stale). */
    public boolean isLive() {
        return state == State.CONNECTED || state == State.FIXED;
    }

    /** True when the session is down and subscribers work from the last lists they received. */
    public boolean isDisconnected() {
        return state == State.SUSPENDED || state == State.LOST;
    }
}
