package io.tern.rpc.spring;

import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TlsConfig;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code rpc.consumer.*}: defaults of every {@code @RpcReference} (an annotation attribute overrides its property) and the consumer's transport. */
public class RpcConsumerProperties {
    /** Per-call deadline, shared by all attempts of the call. */
    private Duration timeout = Duration.ofSeconds(3);

    /** Calls in flight per provider connection beyond which new calls fail at once (bounded memory). */
    private int maxPendingCalls = 65_536;

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

    /**
     * Whether async methods record where they were called, so that a failed future's exception has the calling
     * line in its stack trace. Off by default: it costs a stack walk on every async call. Blocking calls always
     * throw with the caller's frames, at no cost to calls that succeed.
     */
    private boolean captureCallSite;

    /**
     * Packages (comma-separated) whose exception types a provider's failure may be rebuilt as, besides the method's
     * declared exceptions, java.* and the service interface's package; any other type arrives as RemoteException.
     */
    private List<String> exceptionPackages;

    @NestedConfigurationProperty
    private final RpcOutlierProperties outlier = new RpcOutlierProperties();

    @NestedConfigurationProperty
    private final RpcFailureDetectorProperties failureDetector = new RpcFailureDetectorProperties();

    /** Outlier ejection thresholds; overload (SERVER_BUSY) and timeouts never count as failures. */
    public RpcOutlierProperties getOutlier() { return outlier; }

    /** Accrual failure detection: avoid and probe a provider that falls silent, eject it when it looks dead. */
    public RpcFailureDetectorProperties getFailureDetector() { return failureDetector; }

    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public int getMaxPendingCalls() { return maxPendingCalls; }
    public void setMaxPendingCalls(int maxPendingCalls) { this.maxPendingCalls = maxPendingCalls; }
    public String getCluster() { return cluster; }
    public void setCluster(String cluster) { this.cluster = cluster; }
    public int getRetries() { return retries; }
    public void setRetries(int retries) { this.retries = retries; }
    public String getLoadBalance() { return loadBalance; }
    public void setLoadBalance(String loadBalance) { this.loadBalance = loadBalance; }
    public String getBackupRequest() { return backupRequest; }
    public void setBackupRequest(String backupRequest) { this.backupRequest = backupRequest; }
    public List<Integer> getHashArguments() { return hashArguments; }
    public void setHashArguments(List<Integer> hashArguments) { this.hashArguments = hashArguments; }
    public double getRetryBudgetRatio() { return retryBudgetRatio; }
    public void setRetryBudgetRatio(double retryBudgetRatio) { this.retryBudgetRatio = retryBudgetRatio; }
    public int getRetryBudgetMinPerSecond() { return retryBudgetMinPerSecond; }
    public void setRetryBudgetMinPerSecond(int retryBudgetMinPerSecond) { this.retryBudgetMinPerSecond = retryBudgetMinPerSecond; }
    public Duration getWarmup() { return warmup; }
    public void setWarmup(Duration warmup) { this.warmup = warmup; }
    public Duration getAttemptTimeout() { return attemptTimeout; }
    public void setAttemptTimeout(Duration attemptTimeout) { this.attemptTimeout = attemptTimeout; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Integer getIoThreads() { return ioThreads; }
    public void setIoThreads(Integer ioThreads) { this.ioThreads = ioThreads; }
    public Duration getReconnectBackoffMin() { return reconnectBackoffMin; }
    public void setReconnectBackoffMin(Duration reconnectBackoffMin) { this.reconnectBackoffMin = reconnectBackoffMin; }
    public Duration getReconnectBackoffMax() { return reconnectBackoffMax; }
    public void setReconnectBackoffMax(Duration reconnectBackoffMax) { this.reconnectBackoffMax = reconnectBackoffMax; }
    public String getCallbackExecutor() { return callbackExecutor; }
    public void setCallbackExecutor(String callbackExecutor) { this.callbackExecutor = callbackExecutor; }
    public boolean isCaptureCallSite() { return captureCallSite; }
    public void setCaptureCallSite(boolean captureCallSite) { this.captureCallSite = captureCallSite; }
    public List<String> getExceptionPackages() { return exceptionPackages; }
    public void setExceptionPackages(List<String> exceptionPackages) { this.exceptionPackages = exceptionPackages; }

    /** A stand-in service type: the defaults are checked by resolving a reference to it that sets nothing of its own. */
    private interface Probe {
    }

    /**
     * Validates every rpc.consumer.* property (and rpc.heartbeat.interval): the transport's through
     * {@link ClientConfig}'s builder, the reference defaults through the same mapping onto the Reference builder that
     * every {@code @RpcReference} goes through ({@link ReferenceDefaults#resolve}).
     */
    ConsumerSettings toSettings(WireSettings wire, TlsConfig tls, String token, Duration heartbeatInterval) {
        ClientConfig client = RpcConfigurationException.naming("rpc.consumer", () -> clientConfig(wire, tls, token, heartbeatInterval));
        ReferenceDefaults defaults = new ReferenceDefaults(timeout, loadBalance, cluster, retries, backupRequest, wire.serialization(),
                wire.compressionName(), wire.compressionThreshold(), hashArgumentIndexes(), retryBudgetRatio, retryBudgetMinPerSecond,
                warmup, attemptTimeout, callbackExecutor, captureCallSite,
                exceptionPackages == null ? List.of() : exceptionPackages, outlier.toSettings(), failureDetector.toSettings());
        defaults.resolve(Probe.class, ReferenceSettings.defaults(), "rpc.consumer");
        return new ConsumerSettings(client, defaults);
    }

    private ClientConfig clientConfig(WireSettings wire, TlsConfig tls, String token, Duration heartbeatInterval) {
        ClientConfig.Builder b = ClientConfig.builder()
                .tls(tls)
                .authToken(token)
                .maxPendingCalls(maxPendingCalls)
                .maxFrameLength(wire.maxFrameLength())
                .connectTimeout(connectTimeout)
                .heartbeatInterval(heartbeatInterval);
        if (ioThreads != null) {
            b.ioThreads(ioThreads);
        }
        Duration min = reconnectBackoffMin;
        Duration max = reconnectBackoffMax;
        if (min == null || max == null || min.isNegative() || min.isZero() || min.compareTo(max) > 0) {
            throw new RpcConfigurationException("rpc.consumer.reconnect-backoff-min",
                    "rpc.consumer.reconnect-backoff-min and rpc.consumer.reconnect-backoff-max must satisfy 0 < min <= max, were " + min + " and " + max);
        }
        return b.reconnectBackoff(min, max).build();
    }

    /** rpc.consumer.hash-arguments as indexes (a missing one becomes -1, which the Reference builder refuses). */
    private int[] hashArgumentIndexes() {
        return hashArguments == null ? new int[0] : hashArguments.stream().mapToInt(i -> i == null ? -1 : i).toArray();
    }
}
