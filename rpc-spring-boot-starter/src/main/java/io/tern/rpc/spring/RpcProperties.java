package io.tern.rpc.spring;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TlsConfig;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import java.util.Locale;

/**
 * The {@code rpc.*} properties (SPEC §4) as Spring Boot binds them (and documents them in the generated configuration
 * metadata): the root settings here, one class per section. {@link #settings()} turns them into immutable
 * {@link RpcSettings}, each section validating its own properties; it runs once at start-up, so a bad value fails the
 * application's start with an {@link RpcConfigurationException} naming the property and the accepted values. Before
 * that, a name under {@code rpc.} that none of these properties binds fails it too (see {@link UnknownRpcProperties}).
 */
@ConfigurationProperties("rpc")
public class RpcProperties implements InitializingBean, EnvironmentAware {
    /** Whether the Tern RPC auto-configuration is active at all. */
    private boolean enabled = true;

    /**
     * Whether a property under rpc. that Tern RPC does not know (a misspelling such as rpc.consumer.timout) fails
     * start-up; false only logs a warning.
     */
    private boolean failOnUnknownProperties = true;

    /** Body codec of outgoing requests and the one a provider advertises: protostuff or kryo. */
    private String serialization = "protostuff";

    /** Body compression of requests and responses: none or gzip. */
    private String compression = "none";

    /** With gzip compression, bodies smaller than this are sent uncompressed. */
    private DataSize compressionThreshold = DataSize.ofKilobytes(1);

    /** Largest frame accepted (inclusive), on both the provider and the consumer side. */
    private DataSize maxFrameLength = DataSize.ofMegabytes(8);

    @NestedConfigurationProperty
    private final RpcRegistryProperties registry = new RpcRegistryProperties();

    @NestedConfigurationProperty
    private final RpcServerProperties server = new RpcServerProperties();

    @NestedConfigurationProperty
    private final RpcConsumerProperties consumer = new RpcConsumerProperties();

    @NestedConfigurationProperty
    private final RpcHeartbeatProperties heartbeat = new RpcHeartbeatProperties();

    @NestedConfigurationProperty
    private final RpcTlsProperties tls = new RpcTlsProperties();

    @NestedConfigurationProperty
    private final RpcSecurityProperties security = new RpcSecurityProperties();

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        if (environment != null) {
            UnknownRpcProperties.check(environment, failOnUnknownProperties);
        }
        validate();
    }

    /** Checks every property; throws an {@link RpcConfigurationException} naming the first bad one. */
    public void validate() {
        settings();
    }

    /** The properties as they are now, validated: section by section, in the order of their dependencies. */
    RpcSettings settings() {
        WireSettings wire = wire();
        RegistryConfig registryConfig = registry.toConfig();
        TlsConfig tlsConfig = tls.toConfig();
        ServerSettings serverSettings = server.toSettings(wire, tlsConfig, security.getToken());
        ConsumerSettings consumerSettings = consumer.toSettings(wire, tlsConfig, security.getToken(), heartbeat.getInterval());
        return new RpcSettings(wire, registryConfig, serverSettings, consumerSettings);
    }

    private WireSettings wire() {
        RpcConfigurationException.naming("rpc.serialization", () -> Serializers.byName(serialization));
        int threshold = bytes(compressionThreshold, 0, "rpc.compression-threshold");
        Compression codec = RpcConfigurationException.naming("rpc.compression", () -> Compression.byName(compression, threshold));
        int maxFrame = bytes(maxFrameLength, 16, "rpc.max-frame-length");
        return new WireSettings(normalized(serialization), normalized(compression), codec, threshold, maxFrame);
    }

    /** A size as an int number of bytes, at least {@code min}. */
    private static int bytes(DataSize size, int min, String property) {
        long bytes = size == null ? -1 : size.toBytes();
        if (bytes < min || bytes > Integer.MAX_VALUE) {
            throw new RpcConfigurationException(property, property + " must be " + min + "B..2GB, was " + size);
        }
        return (int) bytes;
    }

    private static String normalized(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    /** The compression both sides use for bodies they send. */
    public Compression compressionCodec() {
        return settings().wire().compression();
    }

    public RegistryConfig registryConfig() {
        return settings().registry();
    }

    public ServerConfig serverConfig() {
        return settings().server().config();
    }

    public ClientConfig clientConfig() {
        return settings().consumer().client();
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public boolean isFailOnUnknownProperties() { return failOnUnknownProperties; }
    public void setFailOnUnknownProperties(boolean failOnUnknownProperties) { this.failOnUnknownProperties = failOnUnknownProperties; }
    public String getSerialization() { return serialization; }
    public void setSerialization(String serialization) { this.serialization = serialization; }
    public String getCompression() { return compression; }
    public void setCompression(String compression) { this.compression = compression; }
    public DataSize getCompressionThreshold() { return compressionThreshold; }
    public void setCompressionThreshold(DataSize compressionThreshold) { this.compressionThreshold = compressionThreshold; }
    public DataSize getMaxFrameLength() { return maxFrameLength; }
    public void setMaxFrameLength(DataSize maxFrameLength) { this.maxFrameLength = maxFrameLength; }
    public RpcRegistryProperties getRegistry() { return registry; }
    public RpcServerProperties getServer() { return server; }
    public RpcConsumerProperties getConsumer() { return consumer; }
    public RpcHeartbeatProperties getHeartbeat() { return heartbeat; }
    public RpcTlsProperties getTls() { return tls; }
    public RpcSecurityProperties getSecurity() { return security; }
}
