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
    private final int maxConnectionsPerPeer;
    private final long maxBufferedBytes;
    private final Duration frameTimeout;
    private final int minFrameRate;
    private final boolean[] serializations;

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
        this.maxConnectionsPerPeer = b.maxConnectionsPerPeer;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.frameTimeout = b.frameTimeout;
        this.minFrameRate = b.minFrameRate;
        this.serializations = b.serializations.clone();
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

    /** Connections one remote address (IP) may hold open at once (rpc.server.max-connections-per-peer). */
    public int maxConnectionsPerPeer() {
        return maxConnectionsPerPeer;
    }

    /**
     * Server-wide budget of inbound bytes held for frames not yet decoded: partial frames still arriving and large
     * bodies waiting for a decode thread (rpc.server.max-buffered-bytes).
     */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** Time a frame may take to arrive on top of its size over {@link #minFrameRate()} (rpc.server.frame-timeout). */
    public Duration frameTimeout() {
        return frameTimeout;
    }

    /** Slowest rate, in bytes per second, at which a frame's bytes may arrive (rpc.server.min-frame-rate). */
    public int minFrameRate() {
        return minFrameRate;
    }

    /** True when the provider decodes bodies of this codec byte (rpc.server.serializations). */
    public boolean decodes(int codec) {
        return codec > 0 && codec < serializations.length && serializations[codec];
    }

    /** The enabled codecs by name, for messages. */
    public String serializationNames() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id < serializations.length; id++) {
            if (serializations[id]) {
                sb.append(sb.length() == 0 ? "" : ",").append(io.tern.rpc.protocol.serialize.Serializers.byId(id).name());
            }
        }
        return sb.toString();
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
        private int maxConnectionsPerPeer = 1024;
        private long maxBufferedBytes = 256L * 1024 * 1024;
        private Duration frameTimeout = Duration.ofSeconds(10);
        private int minFrameRate = 64 * 1024;
        private boolean[] serializations = {false, true, false}; // protostuff only, as rpc.serialization's default

        /**
         * The codecs this provider decodes (rpc.server.serializations), by name: {@code protostuff}, {@code kryo}.
         * Any other codec byte on a request gets BAD_REQUEST naming it and this property.
         */
        public Builder serializations(String... names) {
            boolean[] enabled = new boolean[3];
            for (String n : names) {
                enabled[io.tern.rpc.protocol.serialize.Serializers.byName(n).id()] = true;
            }
            this.serializations = enabled;
            return this;
        }

        /** Most connections one remote IP may hold open (rpc.server.max-connections-per-peer). */
        public Builder maxConnectionsPerPeer(int n) {
            this.maxConnectionsPerPeer = n;
            return this;
        }

        /** Server-wide budget of bytes held for frames not yet decoded (rpc.server.max-buffered-bytes). */
        public Builder maxBufferedBytes(long bytes) {
            this.maxBufferedBytes = bytes;
            return this;
        }

        /**
         * A frame of L bytes must arrive within {@code timeout + L / minBytesPerSecond} of its first byte, or the
         * connection is closed (rpc.server.frame-timeout, rpc.server.min-frame-rate).
         */
        public Builder frameRate(Duration timeout, int minBytesPerSecond) {
            this.frameTimeout = timeout;
            this.minFrameRate = minBytesPerSecond;
            return this;
        }

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
            check(maxConnectionsPerPeer >= 1, "rpc.server.max-connections-per-peer must be >= 1, was " + maxConnectionsPerPeer);
            check(maxBufferedBytes >= maxFrameLength, "rpc.server.max-buffered-bytes must be at least rpc.max-frame-length ("
                    + maxFrameLength + " bytes), was " + maxBufferedBytes);
            check(frameTimeout != null && !frameTimeout.isNegative() && !frameTimeout.isZero(), "rpc.server.frame-timeout must be > 0, was " + frameTimeout);
            check(minFrameRate >= 1, "rpc.server.min-frame-rate must be >= 1 byte per second, was " + minFrameRate);
            check(serializations[1] || serializations[2], "rpc.server.serializations must name at least one of protostuff, kryo");
            return new ServerConfig(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
