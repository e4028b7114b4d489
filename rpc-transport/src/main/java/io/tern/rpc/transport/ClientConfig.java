package io.tern.rpc.transport;

import io.tern.rpc.protocol.internal.FrameHeader;

import java.time.Duration;

import static io.tern.rpc.transport.internal.ConfigCheck.positive;
import static io.tern.rpc.transport.internal.ConfigCheck.require;

/** Immutable client (consumer transport) settings, validated once when built. */
public final class ClientConfig {
    private final int ioThreads;
    private final int maxFrameLength;
    private final Duration connectTimeout;
    private final Duration heartbeatInterval;
    private final Duration reconnectMinBackoff;
    private final Duration reconnectMaxBackoff;
    private final SecuritySettings security;
    private final int maxPendingCalls;

    private ClientConfig(Builder b) {
        this.ioThreads = b.ioThreads;
        this.maxFrameLength = b.maxFrameLength;
        this.connectTimeout = b.connectTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.reconnectMinBackoff = b.reconnectMinBackoff;
        this.reconnectMaxBackoff = b.reconnectMaxBackoff;
        this.security = b.security;
        this.maxPendingCalls = b.maxPendingCalls;
    }

    /** TLS settings, or null for plaintext. */
    public TlsConfig tls() {
        return security.tls();
    }

    /** The shared token sent with every request, or null. */
    public String authToken() {
        return security.authToken();
    }

    SecuritySettings security() {
        return security;
    }

    /** Calls in flight per connection beyond which new calls fail at once (bounded memory). */
    public int maxPendingCalls() {
        return maxPendingCalls;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ClientConfig defaults() {
        return builder().build();
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public Duration reconnectMinBackoff() {
        return reconnectMinBackoff;
    }

    public Duration reconnectMaxBackoff() {
        return reconnectMaxBackoff;
    }

    @Override
    public String toString() {
        return "ClientConfig{ioThreads=" + ioThreads + ", maxPendingCalls=" + maxPendingCalls + ", " + security + "}";
    }

    public static final class Builder {
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private int maxFrameLength = FrameHeader.DEFAULT_MAX_FRAME_LENGTH;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration reconnectMinBackoff = Duration.ofMillis(50);
        private Duration reconnectMaxBackoff = Duration.ofSeconds(5);
        private SecuritySettings security = SecuritySettings.NONE;
        private int maxPendingCalls = 65_536;

        public Builder tls(TlsConfig tls) {
            this.security = security.withTls(tls);
            return this;
        }

        /** Sends this shared token with every request (rpc.security.token); it is never logged. */
        public Builder authToken(String token) {
            this.security = security.withAuthToken(token);
            return this;
        }

        public Builder maxPendingCalls(int n) {
            this.maxPendingCalls = n;
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        public Builder maxFrameLength(int bytes) {
            this.maxFrameLength = bytes;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** PING after this much write-idle time; the connection is dead after 3 intervals without inbound bytes. */
        public Builder heartbeatInterval(Duration d) {
            this.heartbeatInterval = d;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectMinBackoff = min;
            this.reconnectMaxBackoff = max;
            return this;
        }

        public ClientConfig build() {
            require(ioThreads >= 1, "rpc.consumer.io-threads must be >= 1, was " + ioThreads);
            require(maxFrameLength >= FrameHeader.LENGTH, "rpc.max-frame-length must be >= 16 bytes, was " + maxFrameLength);
            require(maxPendingCalls >= 1, "rpc.consumer.max-pending-calls must be >= 1, was " + maxPendingCalls);
            require(positive(connectTimeout), "rpc.consumer.connect-timeout must be > 0, was " + connectTimeout);
            require(positive(heartbeatInterval), "rpc.heartbeat.interval must be > 0, was " + heartbeatInterval);
            require(positive(reconnectMinBackoff) && positive(reconnectMaxBackoff) && reconnectMinBackoff.compareTo(reconnectMaxBackoff) <= 0,
                    "reconnect backoff must satisfy 0 < min <= max, was " + reconnectMinBackoff + ".." + reconnectMaxBackoff);
            return new ClientConfig(this);
        }
    }
}
