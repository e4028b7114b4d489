package io.tern.rpc.transport;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.transport.internal.DecodedCodecs;
import io.tern.rpc.transport.internal.ExecutorSettings;
import io.tern.rpc.transport.internal.InboundLimits;

import java.time.Duration;
import java.util.Objects;

import static io.tern.rpc.transport.internal.ConfigCheck.nonNegative;
import static io.tern.rpc.transport.internal.ConfigCheck.positive;
import static io.tern.rpc.transport.internal.ConfigCheck.require;

/**
 * Immutable server settings, validated once when built. Longer than ~250 lines only by one accessor and one builder
 * setter per property, which are its public API; each group with rules of its own keeps them in its own value
 * ({@link ExecutorSettings}, {@link InboundLimits}, {@link SecuritySettings}, {@link DecodedCodecs}).
 */
public final class ServerConfig {
    private final String host;
    private final int port;
    private final int ioThreads;
    private final ExecutorSettings executor;
    private final int maxFrameLength;
    private final Duration idleTimeout;
    private final Duration shutdownGrace;
    private final Compression compression;
    private final SecuritySettings security;
    private final InboundLimits inbound;
    private final DecodedCodecs serializations;

    private ServerConfig(Builder b, ExecutorSettings executor, InboundLimits inbound) {
        this.host = b.host;
        this.port = b.port;
        this.ioThreads = b.ioThreads;
        this.executor = executor;
        this.maxFrameLength = b.maxFrameLength;
        this.idleTimeout = b.idleTimeout;
        this.shutdownGrace = b.shutdownGrace;
        this.compression = b.compression;
        this.security = b.security;
        this.inbound = inbound;
        this.serializations = b.serializations;
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
        return executor.threads();
    }

    /** Business threads kept awake for non-blocking work (see {@link Builder#executorParallelism}). */
    public int executorParallelism() {
        return executor.parallelism();
    }

    public int executorQueue() {
        return executor.queue();
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
        return security.tls();
    }

    /** The shared token every request must carry, or null when token authentication is off. */
    public String authToken() {
        return security.authToken();
    }

    SecuritySettings security() {
        return security;
    }

    public int maxConnections() {
        return inbound.maxConnections();
    }

    /** Connections one remote address (IP) may hold open at once (rpc.server.max-connections-per-peer). */
    public int maxConnectionsPerPeer() {
        return inbound.maxConnectionsPerPeer();
    }

    /** Budget of bytes held for frames not yet decoded: arriving, or waiting for a decode thread (rpc.server.max-buffered-bytes). */
    public long maxBufferedBytes() {
        return inbound.maxBufferedBytes();
    }

    /** Time a frame may take to arrive on top of its size over {@link #minFrameRate()} (rpc.server.frame-timeout). */
    public Duration frameTimeout() {
        return inbound.frameTimeout();
    }

    /** Slowest rate, in bytes per second, at which a frame's bytes may arrive (rpc.server.min-frame-rate). */
    public int minFrameRate() {
        return inbound.minFrameRate();
    }

    /** True when the provider decodes bodies of this codec byte (rpc.server.serializations). */
    public boolean decodes(int codec) {
        return serializations.decodes(codec);
    }

    /** The enabled codecs by name, for messages. */
    public String serializationNames() {
        return serializations.names();
    }

    @Override
    public String toString() {
        return "ServerConfig{host=" + host + ", port=" + port + ", " + security + "}";
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
        private SecuritySettings security = SecuritySettings.NONE;
        private int maxConnections = 4096;
        private int maxConnectionsPerPeer = 1024;
        private long maxBufferedBytes = 256L * 1024 * 1024;
        private Duration frameTimeout = Duration.ofSeconds(10);
        private int minFrameRate = 64 * 1024;
        private DecodedCodecs serializations = DecodedCodecs.DEFAULT;

        /**
         * The codecs this provider decodes (rpc.server.serializations), by name: {@code protostuff}, {@code kryo}.
         * Any other codec byte on a request gets BAD_REQUEST naming it and this property.
         */
        public Builder serializations(String... names) {
            this.serializations = DecodedCodecs.of(names);
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
            this.security = security.withTls(tls);
            return this;
        }

        /** Requires every request to carry this shared token (rpc.security.token); it is never logged. */
        public Builder authToken(String token) {
            this.security = security.withAuthToken(token);
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

        /** 0 picks a free port; {@link TransportServer#port()} tells which. */
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
            require(port >= 0 && port <= 65535, "rpc.server.port must be 0..65535, was " + port);
            require(ioThreads >= 1, "rpc.server.io-threads must be >= 1, was " + ioThreads);
            ExecutorSettings executor = new ExecutorSettings(executorThreads, executorQueue, executorParallelism).check();
            require(maxFrameLength >= FrameHeader.LENGTH, "rpc.max-frame-length must be >= 16 bytes, was " + maxFrameLength);
            require(positive(idleTimeout), "rpc.server.idle-timeout must be > 0, was " + idleTimeout);
            require(nonNegative(shutdownGrace), "rpc.server.shutdown-grace must be >= 0, was " + shutdownGrace);
            InboundLimits inbound = new InboundLimits(maxConnections, maxConnectionsPerPeer, maxBufferedBytes, frameTimeout, minFrameRate)
                    .check(maxFrameLength);
            require(!serializations.isEmpty(), "rpc.server.serializations must name at least one of protostuff, kryo");
            return new ServerConfig(this, executor, inbound);
        }
    }
}
