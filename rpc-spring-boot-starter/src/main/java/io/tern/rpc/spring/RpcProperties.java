package io.tern.rpc.spring;

import io.tern.rpc.cluster.AdvertisedAddress;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code rpc.*} properties (SPEC §4). Bound once at start-up and validated as a whole: a bad value fails the
 * application's start with an {@link RpcConfigurationException} naming the property and the accepted values.
 */
@ConfigurationProperties("rpc")
public class RpcProperties implements InitializingBean {
    /** Whether the Tern RPC auto-configuration is active at all. */
    private boolean enabled = true;

    /** Body codec of outgoing requests and the one a provider advertises: protostuff or kryo. */
    private String serialization = "protostuff";

    /** Body compression of requests and responses: none or gzip. */
    private String compression = "none";

    /** With gzip compression, bodies smaller than this are sent uncompressed. */
    private DataSize compressionThreshold = DataSize.ofKilobytes(1);

    /** Largest frame accepted (inclusive), on both the provider and the consumer side. */
    private DataSize maxFrameLength = DataSize.ofMegabytes(8);

    private final Registry registry = new Registry();
    private final Server server = new Server();
    private final Consumer consumer = new Consumer();
    private final Heartbeat heartbeat = new Heartbeat();
    private final Tls tls = new Tls();
    private final Security security = new Security();

    public Tls getTls() {
        return tls;
    }

    public Security getSecurity() {
        return security;
    }

    /**
     * TLS on the transport, both sides. Identity: a key store (PKCS12, or JKS by the .jks suffix), or a PEM
     * certificate chain with a PKCS#8 PEM key. Trust: a trust store or a PEM file; neither means the JDK's CAs.
     */
    public static class Tls {
        /** Whether connections use TLS. */
        private boolean enabled;

        /** Key store holding this side's certificate and key (required on a provider unless cert-chain is set). */
        private String keyStore;

        /** Password of the key store and its key. */
        private String keyStorePassword;

        /** PEM certificate chain of this side (with private-key, instead of key-store). */
        private String certChain;

        /** PKCS#8 PEM private key of this side. */
        private String privateKey;

        /** Trust store of certificates this side accepts from its peers. */
        private String trustStore;

        /** Password of the trust store. */
        private String trustStorePassword;

        /** PEM file of trusted certificates (instead of trust-store). */
        private String trustCerts;

        /** Provider side: none, optional or require (require = mutual TLS: only clients with a trusted certificate). */
        private String clientAuth = "none";

        /** Consumer side: check that the provider's certificate names the address connected to. */
        private boolean verifyHostname = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean v) { enabled = v; }
        public String getKeyStore() { return keyStore; }
        public void setKeyStore(String v) { keyStore = v; }
        public String getKeyStorePassword() { return keyStorePassword; }
        public void setKeyStorePassword(String v) { keyStorePassword = v; }
        public String getCertChain() { return certChain; }
        public void setCertChain(String v) { certChain = v; }
        public String getPrivateKey() { return privateKey; }
        public void setPrivateKey(String v) { privateKey = v; }
        public String getTrustStore() { return trustStore; }
        public void setTrustStore(String v) { trustStore = v; }
        public String getTrustStorePassword() { return trustStorePassword; }
        public void setTrustStorePassword(String v) { trustStorePassword = v; }
        public String getTrustCerts() { return trustCerts; }
        public void setTrustCerts(String v) { trustCerts = v; }
        public String getClientAuth() { return clientAuth; }
        public void setClientAuth(String v) { clientAuth = v; }
        public boolean isVerifyHostname() { return verifyHostname; }
        public void setVerifyHostname(boolean v) { verifyHostname = v; }

        io.tern.rpc.transport.TlsConfig toConfig() {
            if (!enabled) {
                return null;
            }
            try {
                return new io.tern.rpc.transport.TlsConfig(file(certChain), file(privateKey), file(keyStore), chars(keyStorePassword),
                        file(trustCerts), file(trustStore), chars(trustStorePassword),
                        io.tern.rpc.transport.TlsConfig.clientAuth(clientAuth), verifyHostname);
            } catch (IllegalArgumentException e) {
                throw new RpcConfigurationException("rpc.tls.client-auth", e.getMessage());
            }
        }

        private static java.io.File file(String path) {
            return path == null || path.isBlank() ? null : new java.io.File(path.trim());
        }

        private static char[] chars(String s) {
            return s == null ? null : s.toCharArray();
        }
    }

    /** Shared-token authentication, for deployments without TLS client certificates. */
    public static class Security {
        /** Token every request must carry (provider) and that every request sends (consumer); never logged. Empty: off. */
        private String token;

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }

    /** Where providers register and consumers look them up. */
    public static class Registry {
        /** Registry address: zookeeper://host:port[,host:port...] or direct://host:port[,host:port...] (consumer only). */
        private String address = "zookeeper://127.0.0.1:2181";

        /** ZooKeeper session timeout: a provider whose session expires disappears from the registry. */
        private Duration sessionTimeout = Duration.ofSeconds(30);

        /** How long start-up waits for the first connection to ZooKeeper. */
        private Duration connectTimeout = Duration.ofSeconds(5);

        /** ZooKeeper path under which services are registered. */
        private String rootPath = "/tern";

        /** Base sleep of the exponential backoff between ZooKeeper operation retries. */
        private Duration retryBaseSleep = Duration.ofSeconds(1);

        /** How many times a failed ZooKeeper operation is retried (0..29). */
        private int retryMaxRetries = 3;

        /** ZooKeeper digest user of the providers: with a password, registry nodes are writable only with these credentials (anyone reads). */
        private String username;

        /** ZooKeeper digest password of rpc.registry.username (both or neither); never logged. */
        private String password;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Duration getSessionTimeout() {
            return sessionTimeout;
        }

        public void setSessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public String getRootPath() {
            return rootPath;
        }

        public void setRootPath(String rootPath) {
            this.rootPath = rootPath;
        }

        public Duration getRetryBaseSleep() {
            return retryBaseSleep;
        }

        public void setRetryBaseSleep(Duration retryBaseSleep) {
            this.retryBaseSleep = retryBaseSleep;
        }

        public int getRetryMaxRetries() {
            return retryMaxRetries;
        }

        public void setRetryMaxRetries(int retryMaxRetries) {
            this.retryMaxRetries = retryMaxRetries;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** The provider side; it starts only if some bean carries {@code @RpcService}. */
    public static class Server {
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

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

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

        public int getMaxConnectionsPerPeer() {
            return maxConnectionsPerPeer;
        }

        public void setMaxConnectionsPerPeer(int maxConnectionsPerPeer) {
            this.maxConnectionsPerPeer = maxConnectionsPerPeer;
        }

        public String getSerializations() {
            return serializations;
        }

        public void setSerializations(String serializations) {
            this.serializations = serializations;
        }

        public DataSize getMaxBufferedBytes() {
            return maxBufferedBytes;
        }

        public void setMaxBufferedBytes(DataSize maxBufferedBytes) {
            this.maxBufferedBytes = maxBufferedBytes;
        }

        public Duration getFrameTimeout() {
            return frameTimeout;
        }

        public void setFrameTimeout(Duration frameTimeout) {
            this.frameTimeout = frameTimeout;
        }

        public DataSize getMinFrameRate() {
            return minFrameRate;
        }

        public void setMinFrameRate(DataSize minFrameRate) {
            this.minFrameRate = minFrameRate;
        }

        /** A connection with no inbound bytes for this long is closed. */
        private Duration idleTimeout = Duration.ofSeconds(60);

        /** How long a stopping provider drains in-flight calls (after unregistering and sending GOAWAY). */
        private Duration shutdownGrace = Duration.ofSeconds(10);

        /** Weight registered for every @RpcService that does not set its own. */
        private int weight = 100;

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public String getAdvertisedHost() {
            return advertisedHost;
        }

        public void setAdvertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
        }

        public Integer getIoThreads() {
            return ioThreads;
        }

        public void setIoThreads(Integer ioThreads) {
            this.ioThreads = ioThreads;
        }

        public int getExecutorThreads() {
            return executorThreads;
        }

        public void setExecutorThreads(int executorThreads) {
            this.executorThreads = executorThreads;
        }

        public int getExecutorQueue() {
            return executorQueue;
        }

        public Integer getExecutorParallelism() {
            return executorParallelism;
        }

        public void setExecutorParallelism(Integer executorParallelism) {
            this.executorParallelism = executorParallelism;
        }

        public void setExecutorQueue(int executorQueue) {
            this.executorQueue = executorQueue;
        }

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getShutdownGrace() {
            return shutdownGrace;
        }

        public void setShutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
        }

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }
    }

    /** Defaults of every {@code @RpcReference}; an annotation attribute overrides its property. */
    public static class Consumer {
        /** Per-call deadline, shared by all attempts of the call. */
        private Duration timeout = Duration.ofSeconds(3);

        /** Calls in flight per provider connection beyond which new calls fail at once (bounded memory). */
        private int maxPendingCalls = 65_536;

        public int getMaxPendingCalls() {
            return maxPendingCalls;
        }

        public void setMaxPendingCalls(int maxPendingCalls) {
            this.maxPendingCalls = maxPendingCalls;
        }

        /** Fault tolerance: failfast or failover. */
        private String cluster = "failover";

        /** Extra attempts on other providers for failover. */
        private int retries = 2;

        /** Load balancer: random, round-robin, least-active, consistent-hash or p2c. */
        private String loadBalance = "p2c";

        /** Backup requests for idempotent methods: off, a delay such as 50ms, or a latency percentile such as p95. */
        private String backupRequest = "off";

        /**
         * consistent-hash: the arguments (indexes from 0, comma-separated, in order) whose values form the key, for
         * methods with no @HashKey parameter. Calls with equal keys go to the same provider.
         */
        private List<Integer> hashArguments = new ArrayList<>(List.of(0));

        /** Retries plus backup requests may add at most this fraction of the calls (0..1). */
        private double retryBudgetRatio = 0.1;

        /** Retries plus backup requests always allowed per second, on top of the ratio. */
        private int retryBudgetMinPerSecond = 10;

        /** A newly started provider's weight ramps up over this long (0s: no warm-up). */
        private Duration warmup = Duration.ofSeconds(10);

        /**
         * Per-attempt timeout of idempotent calls: an attempt not answered within it is retried on another provider,
         * within the call's deadline and the retry budget. 0 (default) lets each attempt use the whole deadline.
         */
        private Duration attemptTimeout = Duration.ZERO;

        public Duration getAttemptTimeout() {
            return attemptTimeout;
        }

        public void setAttemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = attemptTimeout;
        }

        /** TCP connect timeout to a provider. */
        private Duration connectTimeout = Duration.ofSeconds(3);

        /** Netty I/O threads of the consumer; empty means one per available processor. */
        private Integer ioThreads;

        /** First delay before reconnecting to a provider whose connection dropped (then doubled, with jitter). */
        private Duration reconnectBackoffMin = Duration.ofMillis(50);

        /** Longest delay between reconnect attempts. */
        private Duration reconnectBackoffMax = Duration.ofSeconds(5);

        /**
         * Where futures of async methods complete, and so where callbacks chained on them run: io (on the I/O thread
         * that read the answer; no hand-off per call, but callbacks must never block, and a blocking call or wait there
         * fails at once) or default (on a shared pool of tern-callback threads, where callbacks may block).
         */
        private String callbackExecutor = "io";

        public String getCallbackExecutor() {
            return callbackExecutor;
        }

        public void setCallbackExecutor(String callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
        }

        private final Outlier outlier = new Outlier();

        private final FailureDetector failureDetector = new FailureDetector();

        /** Outlier ejection thresholds; overload (SERVER_BUSY) and timeouts never count as failures. */
        public Outlier getOutlier() {
            return outlier;
        }

        /** Accrual failure detection: avoid and probe a provider that falls silent, eject it when it looks dead. */
        public FailureDetector getFailureDetector() {
            return failureDetector;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public String getCluster() {
            return cluster;
        }

        public void setCluster(String cluster) {
            this.cluster = cluster;
        }

        public int getRetries() {
            return retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }

        public String getLoadBalance() {
            return loadBalance;
        }

        public void setLoadBalance(String loadBalance) {
            this.loadBalance = loadBalance;
        }

        public String getBackupRequest() {
            return backupRequest;
        }

        public void setBackupRequest(String backupRequest) {
            this.backupRequest = backupRequest;
        }

        public List<Integer> getHashArguments() {
            return hashArguments;
        }

        public void setHashArguments(List<Integer> hashArguments) {
            this.hashArguments = hashArguments;
        }

        /** rpc.consumer.hash-arguments as indexes (a missing one is refused by the Reference builder). */
        int[] hashArgumentIndexes() {
            return hashArguments == null ? new int[0] : hashArguments.stream().mapToInt(i -> i == null ? -1 : i).toArray();
        }

        public double getRetryBudgetRatio() {
            return retryBudgetRatio;
        }

        public void setRetryBudgetRatio(double retryBudgetRatio) {
            this.retryBudgetRatio = retryBudgetRatio;
        }

        public int getRetryBudgetMinPerSecond() {
            return retryBudgetMinPerSecond;
        }

        public void setRetryBudgetMinPerSecond(int retryBudgetMinPerSecond) {
            this.retryBudgetMinPerSecond = retryBudgetMinPerSecond;
        }

        public Duration getWarmup() {
            return warmup;
        }

        public void setWarmup(Duration warmup) {
            this.warmup = warmup;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Integer getIoThreads() {
            return ioThreads;
        }

        public void setIoThreads(Integer ioThreads) {
            this.ioThreads = ioThreads;
        }

        public Duration getReconnectBackoffMin() {
            return reconnectBackoffMin;
        }

        public void setReconnectBackoffMin(Duration reconnectBackoffMin) {
            this.reconnectBackoffMin = reconnectBackoffMin;
        }

        public Duration getReconnectBackoffMax() {
            return reconnectBackoffMax;
        }

        public void setReconnectBackoffMax(Duration reconnectBackoffMax) {
            this.reconnectBackoffMax = reconnectBackoffMax;
        }
    }

    /**
     * Outlier ejection (as Envoy's): a provider that fails calls (INTERNAL_ERROR answers, failed connections) is
     * ejected for a while. Overload refusals and timeouts are not failures here.
     */
    public static class Outlier {
        /** Failures in a row that eject a provider. */
        private int consecutiveFailures = 5;

        /** At most this share of a service's providers (0..100) is ejected at once. */
        private int maxEjectedPercent = 50;

        /** First ejection time; each further ejection lasts this much longer, and each period of it spent healthy forgives one. */
        private Duration baseEjectionTime = Duration.ofSeconds(5);

        /** Longest ejection time. */
        private Duration maxEjectionTime = Duration.ofMinutes(1);

        public int getConsecutiveFailures() {
            return consecutiveFailures;
        }

        public void setConsecutiveFailures(int consecutiveFailures) {
            this.consecutiveFailures = consecutiveFailures;
        }

        public int getMaxEjectedPercent() {
            return maxEjectedPercent;
        }

        public void setMaxEjectedPercent(int maxEjectedPercent) {
            this.maxEjectedPercent = maxEjectedPercent;
        }

        public Duration getBaseEjectionTime() {
            return baseEjectionTime;
        }

        public void setBaseEjectionTime(Duration baseEjectionTime) {
            this.baseEjectionTime = baseEjectionTime;
        }

        public Duration getMaxEjectionTime() {
            return maxEjectionTime;
        }

        public void setMaxEjectionTime(Duration maxEjectionTime) {
            this.maxEjectionTime = maxEjectionTime;
        }
    }

    /**
     * Accrual (phi) failure detection per provider: how unlikely its silence is while calls or PINGs await its
     * answer, given how it usually answers, plus its recent timeouts.
     */
    public static class FailureDetector {
        /** Whether accrual failure detection runs (the heartbeat's 3-missed-intervals rule and outlier ejection remain). */
        private boolean enabled = true;

        /** Suspicion level from which a provider is avoided while others will do, and probed with PINGs. */
        private double phiSuspect = 3;

        /** Suspicion level of silence from which a provider is ejected, until it answers PINGs again. */
        private double phiEject = 8;

        /** Floor on the deviation of a provider's answer intervals: how long a silence must last to count (phi 3 after about 3 times this). */
        private Duration minStdDev = Duration.ofMillis(100);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getPhiSuspect() {
            return phiSuspect;
        }

        public void setPhiSuspect(double phiSuspect) {
            this.phiSuspect = phiSuspect;
        }

        public double getPhiEject() {
            return phiEject;
        }

        public void setPhiEject(double phiEject) {
            this.phiEject = phiEject;
        }

        public Duration getMinStdDev() {
            return minStdDev;
        }

        public void setMinStdDev(Duration minStdDev) {
            this.minStdDev = minStdDev;
        }
    }

    /** Connection liveness, consumer side. */
    public static class Heartbeat {
        /** PING after this much write-idle time; a connection is dead after 3 intervals without inbound bytes. */
        private Duration interval = Duration.ofSeconds(10);

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /** A stand-in service type: lets {@link Reference}'s own validation check the consumer defaults. */
    private interface Probe {
    }

    @Override
    public void afterPropertiesSet() {
        validate();
    }

    /** Checks every property at once (each through the builder that would use it); throws on the first bad one. */
    public void validate() {
        check("rpc.serialization", () -> Serializers.byName(serialization));
        check("rpc.compression", this::compressionCodec);
        check("rpc.max-frame-length", this::maxFrameBytes);
        check("rpc.registry", this::registryConfig);
        check("rpc.server", this::serverConfig);
        check("rpc.server.weight", () -> requireNonNegative(server.weight, "rpc.server.weight"));
        check("rpc.server.advertised-host", () -> AdvertisedAddress.choose(server.advertisedHost, server.host, List.of()));
        check("rpc.consumer", this::clientConfig);
        check("rpc.consumer.timeout", () -> requirePositive(consumer.timeout, "rpc.consumer.timeout"));
        check("rpc.consumer", () -> applyConsumerDefaults(Reference.to(Probe.class)));
        check("rpc.consumer", () -> applyHealthSettings(Reference.to(Probe.class)));
    }

    /** The compression both sides use for bodies they send. */
    public Compression compressionCodec() {
        return Compression.byName(compression, compressionThresholdBytes());
    }

    int compressionThresholdBytes() {
        long threshold = compressionThreshold == null ? -1 : compressionThreshold.toBytes();
        if (threshold < 0 || threshold > Integer.MAX_VALUE) {
            throw new RpcConfigurationException("rpc.compression-threshold", "rpc.compression-threshold must be 0B..2GB, was " + compressionThreshold);
        }
        return (int) threshold;
    }

    int maxFrameBytes() {
        long bytes = maxFrameLength == null ? -1 : maxFrameLength.toBytes();
        if (bytes < 16 || bytes > Integer.MAX_VALUE) {
            throw new RpcConfigurationException("rpc.max-frame-length", "rpc.max-frame-length must be 16B..2GB, was " + maxFrameLength);
        }
        return (int) bytes;
    }

    public RegistryConfig registryConfig() {
        return RegistryConfig.of(registry.address)
                .withSessionTimeout(registry.sessionTimeout)
                .withConnectTimeout(registry.connectTimeout)
                .withRootPath(registry.rootPath)
                .withRetry(registry.retryBaseSleep, registry.retryMaxRetries)
                .withCredentials(registry.username, registry.password);
    }

    public ServerConfig serverConfig() {
        ServerConfig.Builder b = ServerConfig.builder()
                .host(blankToNull(server.host))
                .port(server.port)
                .executorThreads(server.executorThreads)
                .executorQueue(server.executorQueue)
                .maxFrameLength(maxFrameBytes())
                .idleTimeout(server.idleTimeout)
                .shutdownGrace(server.shutdownGrace)
                .compression(compressionCodec())
                .maxConnections(server.maxConnections)
                .maxConnectionsPerPeer(server.maxConnectionsPerPeer)
                .maxBufferedBytes(server.maxBufferedBytes == null ? -1 : server.maxBufferedBytes.toBytes())
                .frameRate(server.frameTimeout, server.minFrameRate == null ? 0 : (int) Math.min(Integer.MAX_VALUE, server.minFrameRate.toBytes()))
                .serializations(serverSerializations())
                .authToken(security.token);
        b.tls(tls.toConfig());
        if (server.ioThreads != null) {
            b.ioThreads(server.ioThreads);
        }
        if (server.executorParallelism != null) {
            b.executorParallelism(server.executorParallelism);
        }
        return b.build();
    }

    /** rpc.server.serializations as names; empty means the value of rpc.serialization. */
    String[] serverSerializations() {
        String names = server.serializations == null || server.serializations.isBlank() ? serialization : server.serializations;
        String[] list = java.util.Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toArray(String[]::new);
        for (String n : list) {
            try {
                Serializers.byName(n);
            } catch (IllegalArgumentException e) {
                throw new RpcConfigurationException("rpc.server.serializations", "rpc.server.serializations names an " + e.getMessage());
            }
        }
        return list;
    }

    public ClientConfig clientConfig() {
        ClientConfig.Builder b = ClientConfig.builder()
                .tls(tls.toConfig())
                .authToken(security.token)
                .maxPendingCalls(consumer.maxPendingCalls)
                .maxFrameLength(maxFrameBytes())
                .connectTimeout(consumer.connectTimeout)
                .heartbeatInterval(heartbeat.interval);
        if (consumer.ioThreads != null) {
            b.ioThreads(consumer.ioThreads);
        }
        Duration min = consumer.reconnectBackoffMin;
        Duration max = consumer.reconnectBackoffMax;
        if (min == null || max == null || min.isNegative() || min.isZero() || min.compareTo(max) > 0) {
            throw new RpcConfigurationException("rpc.consumer.reconnect-backoff-min",
                    "rpc.consumer.reconnect-backoff-min and rpc.consumer.reconnect-backoff-max must satisfy 0 < min <= max, were " + min + " and " + max);
        }
        return b.reconnectBackoff(min, max).build();
    }

    /** Applies the rpc.consumer.* defaults (each validated by the Reference builder, whose messages name the property). */
    <T> Reference<T> applyConsumerDefaults(Reference<T> reference) {
        return reference.timeout(consumer.timeout)
                .serialization(serialization)
                .compression(compressionCodec())
                .cluster(consumer.cluster)
                .retries(consumer.retries)
                .loadBalance(consumer.loadBalance)
                .backupRequest(consumer.backupRequest)
                .hashArguments(consumer.hashArgumentIndexes())
                .retryBudget(consumer.retryBudgetRatio, consumer.retryBudgetMinPerSecond)
                .warmup(consumer.warmup)
                .attemptTimeout(consumer.attemptTimeout)
                .callbackExecutor(consumer.callbackExecutor);
    }

    /** Applies rpc.consumer.outlier.* and rpc.consumer.failure-detector.* (validated by the Reference builder). */
    <T> Reference<T> applyHealthSettings(Reference<T> reference) {
        Outlier o = consumer.outlier;
        FailureDetector f = consumer.failureDetector;
        return reference.outlierEjection(o.consecutiveFailures, o.maxEjectedPercent, o.baseEjectionTime, o.maxEjectionTime)
                .failureDetector(f.enabled, f.phiSuspect, f.phiEject, f.minStdDev);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Duration requirePositive(Duration d, String property) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(property + " must be > 0, was " + d);
        }
        return d;
    }

    private static int requireNonNegative(int value, String property) {
        if (value < 0) {
            throw new IllegalArgumentException(property + " must be >= 0, was " + value);
        }
        return value;
    }

    /** Runs one check; a message that does not name a property yet gets the property in front of it. */
    private static void check(String property, Supplier<?> check) {
        try {
            check.get();
        } catch (RpcConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw RpcConfigurationException.of(property, e);
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getSerialization() {
        return serialization;
    }

    public void setSerialization(String serialization) {
        this.serialization = serialization;
    }

    public String getCompression() {
        return compression;
    }

    public void setCompression(String compression) {
        this.compression = compression;
    }

    public DataSize getCompressionThreshold() {
        return compressionThreshold;
    }

    public void setCompressionThreshold(DataSize compressionThreshold) {
        this.compressionThreshold = compressionThreshold;
    }

    public DataSize getMaxFrameLength() {
        return maxFrameLength;
    }

    public void setMaxFrameLength(DataSize maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    public Registry getRegistry() {
        return registry;
    }

    public Server getServer() {
        return server;
    }

    public Consumer getConsumer() {
        return consumer;
    }

    public Heartbeat getHeartbeat() {
        return heartbeat;
    }
}
