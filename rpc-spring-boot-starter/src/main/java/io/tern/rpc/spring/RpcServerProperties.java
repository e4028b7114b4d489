package io.tern.rpc.spring;

import io.tern.rpc.cluster.AdvertisedAddress;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TlsConfig;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** {@code rpc.server.*}: the provider side; it starts only if some bean carries {@code @RpcService}. */
public class RpcServerProperties {
    /** Provider port; 0 picks a free one. */
    private int port = 7070;

    /** Bind address; empty means all interfaces. */
    private String host;

    /** Address registered for consumers to connect to; empty means the bind host if concrete, else detected. */
    private String advertisedHost;

    /** Netty I/O threads; empty means one per available processor. */
    private Integer ioThreads;

    /** Threads of the bounded business executor that runs service methods. */
    private int executorThreads = 64;

    /** Calls that may wait for a business thread; beyond it a call is refused with SERVER_BUSY at once. */
    private int executorQueue = 1024;

    /**
     * Business threads kept running non-blocking calls at once; more wake (up to executor-threads) only while
     * running calls block. Empty means the number of processors minus one (at least 1).
     */
    private Integer executorParallelism;

    /** Connections beyond this are closed at once. */
    private int maxConnections = 4096;

    /** Connections one remote address may hold open at once; beyond it a new one is closed at once. */
    private int maxConnectionsPerPeer = 1024;

    /**
     * Codecs this provider decodes, comma-separated (protostuff, kryo); empty means the value of rpc.serialization.
     * A request in any other codec gets BAD_REQUEST.
     */
    private String serializations;

    /**
     * Budget of inbound bytes held for frames not yet decoded (partial frames, large bodies waiting for a
     * business thread); one remote address may hold a quarter of it.
     */
    private DataSize maxBufferedBytes = DataSize.ofMegabytes(256);

    /** Time a frame may take to arrive, on top of its size at rpc.server.min-frame-rate; slower is closed. */
    private Duration frameTimeout = Duration.ofSeconds(10);

    /** Slowest accepted arrival rate of a frame's bytes, per second. */
    private DataSize minFrameRate = DataSize.ofKilobytes(64);

    /** A connection with no inbound bytes for this long is closed. */
    private Duration idleTimeout = Duration.ofSeconds(60);

    /** How long a stopping provider drains in-flight calls (after unregistering and sending GOAWAY). */
    private Duration shutdownGrace = Duration.ofSeconds(10);

    /** Weight registered for every @RpcService that does not set its own. */
    private int weight = 100;

    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public String getAdvertisedHost() { return advertisedHost; }
    public void setAdvertisedHost(String advertisedHost) { this.advertisedHost = advertisedHost; }
    public Integer getIoThreads() { return ioThreads; }
    public void setIoThreads(Integer ioThreads) { this.ioThreads = ioThreads; }
    public int getExecutorThreads() { return executorThreads; }
    public void setExecutorThreads(int executorThreads) { this.executorThreads = executorThreads; }
    public int getExecutorQueue() { return executorQueue; }
    public void setExecutorQueue(int executorQueue) { this.executorQueue = executorQueue; }
    public Integer getExecutorParallelism() { return executorParallelism; }
    public void setExecutorParallelism(Integer executorParallelism) { this.executorParallelism = executorParallelism; }
    public int getMaxConnections() { return maxConnections; }
    public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
    public int getMaxConnectionsPerPeer() { return maxConnectionsPerPeer; }
    public void setMaxConnectionsPerPeer(int maxConnectionsPerPeer) { this.maxConnectionsPerPeer = maxConnectionsPerPeer; }
    public String getSerializations() { return serializations; }
    public void setSerializations(String serializations) { this.serializations = serializations; }
    public DataSize getMaxBufferedBytes() { return maxBufferedBytes; }
    public void setMaxBufferedBytes(DataSize maxBufferedBytes) { this.maxBufferedBytes = maxBufferedBytes; }
    public Duration getFrameTimeout() { return frameTimeout; }
    public void setFrameTimeout(Duration frameTimeout) { this.frameTimeout = frameTimeout; }
    public DataSize getMinFrameRate() { return minFrameRate; }
    public void setMinFrameRate(DataSize minFrameRate) { this.minFrameRate = minFrameRate; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public Duration getShutdownGrace() { return shutdownGrace; }
    public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
    public int getWeight() { return weight; }
    public void setWeight(int weight) { this.weight = weight; }

    /** Validates every rpc.server.* property (through {@link ServerConfig}'s builder, whose messages name them). */
    ServerSettings toSettings(WireSettings wire, TlsConfig tls, String token) {
        ServerConfig config = RpcConfigurationException.naming("rpc.server", () -> serverConfig(wire, tls, token));
        if (weight < 0) {
            throw new RpcConfigurationException("rpc.server.weight", "rpc.server.weight must be >= 0, was " + weight);
        }
        String advertised = RpcConfigurationException.naming("rpc.server.advertised-host",
                () -> advertisedHost == null || advertisedHost.isBlank() ? null : AdvertisedAddress.choose(advertisedHost, host, List.of()));
        return new ServerSettings(config, advertised, weight);
    }

    private ServerConfig serverConfig(WireSettings wire, TlsConfig tls, String token) {
        ServerConfig.Builder b = ServerConfig.builder()
                .host(host == null || host.isBlank() ? null : host.trim())
                .port(port)
                .executorThreads(executorThreads)
                .executorQueue(executorQueue)
                .maxFrameLength(wire.maxFrameLength())
                .idleTimeout(idleTimeout)
                .shutdownGrace(shutdownGrace)
                .compression(wire.compression())
                .maxConnections(maxConnections)
                .maxConnectionsPerPeer(maxConnectionsPerPeer)
                .maxBufferedBytes(maxBufferedBytes == null ? -1 : maxBufferedBytes.toBytes())
                .frameRate(frameTimeout, minFrameRate == null ? 0 : (int) Math.min(Integer.MAX_VALUE, minFrameRate.toBytes()))
                .serializations(serializationNames(wire))
                .authToken(token)
                .tls(tls);
        if (ioThreads != null) {
            b.ioThreads(ioThreads);
        }
        if (executorParallelism != null) {
            b.executorParallelism(executorParallelism);
        }
        return b.build();
    }

    /** rpc.server.serializations as names; empty means the value of rpc.serialization. */
    private String[] serializationNames(WireSettings wire) {
        String names = serializations == null || serializations.isBlank() ? wire.serialization() : serializations;
        String[] list = Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toArray(String[]::new);
        for (String n : list) {
            try {
                Serializers.byName(n);
            } catch (IllegalArgumentException e) {
                throw new RpcConfigurationException("rpc.server.serializations", "rpc.server.serializations names an " + e.getMessage(), e);
            }
        }
        return list;
    }
}
