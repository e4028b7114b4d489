package io.tern.rpc.transport;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.FrameHeader;

import java.time.Duration;
import java.util.Objects;

/** Immutable server settings, validated once when built. */
public final class ServerConfig {
    private final String host;
    private final int port;
    private final int ioThreads;
    private final int executorThreads;
    private final int executorQueue;
    private final int executorParallelism;
    private final int maxFrameLength;
    private final Duration idleTimeout;
    private final Duration shutdownGrace;
    private final Compression compression;
    private final TlsConfig tls;
    private final String authToken;
    private final int maxConnections;

    private ServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.ioThreads = b.ioThreads;
        this.executorThreads = b.executorThreads;
        this.executorQueue = b.executorQueue;
        this.executorParallelism = b.executorParallelism;
        this.maxFrameLength = b.maxFrameLength;
        this.idleTimeout = b.idleTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.compression = b.compression;
        this.tls = b.tls;
        this.authToken = b.authToken;
        this.maxConnections = b.maxConnections;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Bind address; null means all interfaces. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int executorThreads() {
        return executorThreads;
    }

    /** Business threads kept awake for non-blocking work (see {@link Builder#executorParallelism}). */
    public int executorParallelism() {
        return executorParallelism;
    }

    public int executorQueue() {
        return executorQueue;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public Compression compression() {
        return compression;
    }

    /** TLS settings, or null for plaintext. */
    public TlsConfig tls() {
        return tls;
    }

    /** The shared token every request must carry, or null when token authentication is off. */
    public String authToken() {
        return authToken;
    }

    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public String toString() {
        return "ServerConfig{host=" + host + ", port=" + port + ", tls=" + (tls != null) + ", authToken=" + (authToken == null ? "off" : "***") + "}";
    }

    public static final class Builder {
        private String host;
        private int port = 7070;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private int executorThreads = 64;
        private int executorQueue = 1024;
        private int executorParallelism = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        private int maxFrameLength = FrameHeader.DEFAULT_MAX_FRAME_LENGTH;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private Compression compression = Compression.NONE;
        private TlsConfig tls;
        private String authToken;
        private int maxConnections = 4096;

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** Requires every request to carry this shared token (rpc.security.token); it is never logged. */
        public Builder authToken(String token) {
            this.authToken = token == null || token.isEmpty() ? null : token;
            return this;
        }

        /** Connections beyond this are closed at once (rpc.server.max-connections). */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** 0 picks a free port; {@link RpcServer#port()} tells which. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        public Builder executorThreads(int n) {
            this.executorThreads = n;
            return this;
        }

        public Builder executorQueue(int n) {
            this.executorQueue = n;
            return this;
        }

        /**
         * How many business threads run non-blocking calls at once before more are woken (rpc.server.executor-parallelism,
         * default: cores - 1, leaving a core to the I/O thread). More threads, up to executor-threads, wake when running calls block.
         */
        public Builder executorParallelism(int n) {
            this.executorParallelism = n;
            return this;
        }

        public Builder maxFrameLength(int bytes) {
            this.maxFrameLength = bytes;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder shutdownGrace(Duration d) {
            this.shutdownGrace = d;
            return this;
        }

        public Builder compression(Compression c) {
            this.compression = Objects.requireNonNull(c, "compression");
            return this;
        }

        public ServerConfig build() {
            check(port >= 0 && port <= 65535, "rpc.server.port must be 0..65535, was " + port);
            check(ioThreads >= 1, "rpc.server.io-threads must be >= 1, was " + ioThreads);
            check(executorThreads >= 1, "rpc.server.executor-threads must be >= 1, was " + executorThreads);
            check(executorParallelism >= 1, "rpc.server.executor-parallelism must be >= 1, was " + executorParallelism);
            check(executorQueue >= 0, "rpc.server.executor-queue must be >= 0, was " + executorQueue);
            check(maxFrameLength >= FrameHeader.LENGTH, "rpc.max-frame-length must be >= 16 bytes, was " + maxFrameLength);
            check(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(), "rpc.server.idle-timeout must be > 0, was " + idleTimeout);
            check(shutdownGrace != null && !shutdownGrace.isNegative(), "rpc.server.shutdown-grace must be >= 0, was " + shutdownGrace);
            check(maxConnections >= 1, "rpc.server.max-connections must be >= 1, was " + maxConnections);
            return new ServerConfig(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
