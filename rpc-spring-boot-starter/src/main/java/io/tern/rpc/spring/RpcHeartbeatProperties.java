package io.tern.rpc.spring;

import java.time.Duration;

/** {@code rpc.heartbeat.*}: connection liveness, consumer side (checked with the rest of the consumer's transport settings). */
public class RpcHeartbeatProperties {
    /** PING after this much write-idle time; a connection is dead after 3 intervals without inbound bytes. */
    private Duration interval = Duration.ofSeconds(10);

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }
}
