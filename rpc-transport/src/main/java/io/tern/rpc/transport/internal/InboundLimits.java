package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ServerConfig;

import java.time.Duration;

import static io.tern.rpc.transport.internal.ConfigCheck.positive;
import static io.tern.rpc.transport.internal.ConfigCheck.require;

/**
 * How much a provider lets its consumers make it hold: connections (in all, and per remote IP), bytes of frames not
 * yet decoded, and the time a frame's bytes may take to arrive. Part of {@link ServerConfig}, checked when it is built.
 */
public record InboundLimits(int maxConnections, int maxConnectionsPerPeer, long maxBufferedBytes, Duration frameTimeout, int minFrameRate) {

    /** Each limit must be usable, and the byte budget must hold at least one frame of {@code maxFrameLength}. */
    public InboundLimits check(int maxFrameLength) {
        require(maxConnections >= 1, "rpc.server.max-connections must be >= 1, was " + maxConnections);
        require(maxConnectionsPerPeer >= 1, "rpc.server.max-connections-per-peer must be >= 1, was " + maxConnectionsPerPeer);
        require(maxBufferedBytes >= maxFrameLength, "rpc.server.max-buffered-bytes must be at least rpc.max-frame-length ("
                + maxFrameLength + " bytes), was " + maxBufferedBytes);
        require(positive(frameTimeout), "rpc.server.frame-timeout must be > 0, was " + frameTimeout);
        require(minFrameRate >= 1, "rpc.server.min-frame-rate must be >= 1 byte per second, was " + minFrameRate);
        return this;
    }
}
