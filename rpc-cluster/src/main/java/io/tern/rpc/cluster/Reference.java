package io.tern.rpc.cluster;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.ServiceKey;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.transport.TransportClient;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Builds a proxy for a remote service:
 *
 * <pre>{@code
 * HelloService hello = Reference.to(HelloService.class)
 *         .address("127.0.0.1:7070")
 *         .timeout(Duration.ofMillis(500))
 *         .create(client);
 * }</pre>
 *
 * <p>Over 250 lines on purpose: it is the list of a reference's settings, one setter each, each validating its value
 * with a message that names its property; the call path itself is assembled in {@link CallPath}.
 */
public final class Reference<T> {
    private final Class<T> interfaceClass;
    private String address;
    private String version = "";
    private String group = "";
    private Duration timeout = Duration.ofSeconds(3);
    private Serializer serializer = Serializers.protostuff();
    private Compression compression = Compression.NONE;
    private final List<String> exceptionPackages = new ArrayList<>();
    private String cluster = "failover";
    private int retries = 2;
    private LoadBalancer loadBalancer;
    private String loadBalance = "p2c";
    private String backupRequest = "off";
    private boolean allIdempotent;
    private double retryBudgetRatio = 0.1;
    private int retryBudgetMinPerSecond = 10;
    private Duration warmup = Duration.ofSeconds(10);
    private Duration attemptTimeout = Duration.ZERO;
    private int[] hashArguments = {0};
    /** Null: futures complete on the I/O thread. */
    private Executor callbackExecutor;
    private boolean captureCallSite;
    private OutlierDetector outliers = OutlierDetector.defaults();
    private AccrualFailureDetector.Settings failureDetection = AccrualFailureDetector.Settings.DEFAULTS;
    private final List<ClientFilter> filters = new ArrayList<>();

    private Reference(Class<T> interfaceClass) {
        this.interfaceClass = interfaceClass;
    }

    public static <T> Reference<T> to(Class<T> interfaceClass) {
        Objects.requireNonNull(interfaceClass, "interfaceClass");
        if (!interfaceClass.isInterface()) {
            throw new IllegalArgumentException(interfaceClass.getName() + " is not an interface: a reference is made to a service interface");
        }
        return new Reference<>(interfaceClass);
    }

    /** A provider address {@code host:port}. */
    public Reference<T> address(String address) {
        this.address = address;
        return this;
    }

    public Reference<T> version(String version) {
        this.version = version == null ? "" : version;
        return this;
    }

    public Reference<T> group(String group) {
        this.group = group == null ? "" : group;
        return this;
    }

    /** The per-call deadline (rpc.consumer.timeout). */
    public Reference<T> timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** {@code protostuff} (default) or {@code kryo}. */
    public Reference<T> serialization(String name) {
        this.serializer = Serializers.byName(name);
        return this;
    }

    public Reference<T> compression(Compression compression) {
        this.compression = Objects.requireNonNull(compression, "compression");
        return this;
    }

    /**
     * Also rebuild remote exceptions of classes in this package (the service interface's own package is always
     * allowed); other undeclared types arrive as {@link io.tern.rpc.RemoteException}.
     */
    public Reference<T> allowExceptionPackage(String packageName) {
        exceptionPackages.add(packageName);
        return this;
    }

    /** {@code failover} (default: retry on another provider, up to {@link #retries}) or {@code failfast}. */
    public Reference<T> cluster(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!n.equals("failover") && !n.equals("failfast")) {
            throw new IllegalArgumentException("unknown cluster '" + name + "' (rpc.consumer.cluster): use failover or failfast");
        }
        this.cluster = n;
        return this;
    }

    /** Extra attempts for failover (rpc.consumer.retries, default 2). */
    public Reference<T> retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0 (rpc.consumer.retries), was " + retries);
        }
        this.retries = retries;
        return this;
    }

    /**
     * Load balancer by name (rpc.consumer.load-balance): {@code random}, {@code round-robin}, {@code least-active},
     * {@code consistent-hash} or {@code p2c} (default).
     */
    public Reference<T> loadBalance(String name) {
        this.loadBalance = LoadBalancers.checkName(name);
        this.loadBalancer = null;
        return this;
    }

    /**
     * Backup requests (rpc.consumer.backup-request) for idempotent methods: {@code off} (default), a fixed delay
     * such as {@code 50ms}, or a percentile of recent latency such as {@code p95}.
     */
    public Reference<T> backupRequest(String spec) {
        BackupPolicy.parse(spec); // validates
        this.backupRequest = spec;
        return this;
    }

    /** Treats every method of this reference as idempotent (as if the interface carried {@code @Idempotent}). */
    public Reference<T> idempotent(boolean all) {
        this.allIdempotent = all;
        return this;
    }

    /**
     * Retry budget shared by every reference to this service in the process (rpc.consumer.retry-budget-ratio,
     * rpc.consumer.retry-budget-min-per-second): retries plus backup requests may add at most {@code ratio} of
     * the calls, plus {@code minPerSecond}.
     */
    public Reference<T> retryBudget(double ratio, int minPerSecond) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("retry budget ratio must be 0..1 (rpc.consumer.retry-budget-ratio), was " + ratio);
        }
        if (minPerSecond < 0) {
            throw new IllegalArgumentException("retry budget minimum must be >= 0 per second (rpc.consumer.retry-budget-min-per-second), was " + minPerSecond);
        }
        this.retryBudgetRatio = ratio;
        this.retryBudgetMinPerSecond = minPerSecond;
        return this;
    }

    /**
     * Per-attempt timeout (rpc.consumer.attempt-timeout, default 0: off, each attempt may use the whole deadline):
     * an attempt of an idempotent method that has not answered within it is given up and retried on another
     * provider, within the call's deadline and the retry budget (as Envoy's per-try timeout).
     */
    public Reference<T> attemptTimeout(Duration perAttempt) {
        if (perAttempt == null || perAttempt.isNegative()) {
            throw new IllegalArgumentException("attempt timeout must be >= 0, 0 meaning off (rpc.consumer.attempt-timeout), was " + perAttempt);
        }
        this.attemptTimeout = perAttempt;
        return this;
    }

    /** Weight ramp-up of a newly started provider (rpc.consumer.warmup, default 10s; 0 disables). */
    public Reference<T> warmup(Duration warmup) {
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must be >= 0 (rpc.consumer.warmup), was " + warmup);
        }
        this.warmup = warmup;
        return this;
    }

    /**
     * The arguments that form the key of {@code consistent-hash}, in order, for methods with no {@link io.tern.rpc.HashKey}
     * parameter (rpc.consumer.hash-arguments, default 0: the first argument).
     */
    public Reference<T> hashArguments(int... indexes) {
        if (indexes == null || indexes.length == 0) {
            throw new IllegalArgumentException("rpc.consumer.hash-arguments needs at least one argument index");
        }
        for (int i : indexes) {
            if (i < 0) {
                throw new IllegalArgumentException("rpc.consumer.hash-arguments must be argument indexes >= 0, was " + java.util.Arrays.toString(indexes));
            }
        }
        this.hashArguments = indexes.clone();
        return this;
    }

    /**
     * Outlier ejection, as Envoy's (rpc.consumer.outlier.*): {@code consecutiveFailures} failures in a row (an
     * INTERNAL_ERROR answer or a failed connection; never overload or a timeout) eject a provider for
     * {@code baseEjectionTime} × its number of ejections, at most {@code maxEjectionTime}; at most
     * {@code maxEjectedPercent} of the providers are ejected at once. Defaults: 5, 50, 5s, 1m.
     */
    public Reference<T> outlierEjection(int consecutiveFailures, int maxEjectedPercent, Duration baseEjectionTime, Duration maxEjectionTime) {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("rpc.consumer.outlier.consecutive-failures must be >= 1, was " + consecutiveFailures);
        }
        if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
            throw new IllegalArgumentException("rpc.consumer.outlier.max-ejected-percent must be 0..100, was " + maxEjectedPercent);
        }
        if (baseEjectionTime == null || baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
            throw new IllegalArgumentException("rpc.consumer.outlier.base-ejection-time must be > 0, was " + baseEjectionTime);
        }
        if (maxEjectionTime == null || maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            throw new IllegalArgumentException("rpc.consumer.outlier.max-ejection-time must be >= rpc.consumer.outlier.base-ejection-time ("
                    + baseEjectionTime + "), was " + maxEjectionTime);
        }
        this.outliers = OutlierDetector.of(consecutiveFailures, maxEjectedPercent, baseEjectionTime, maxEjectionTime);
        return this;
    }

    /**
     * Where the futures of async methods complete, and so where callbacks the caller chains on them run
     * (rpc.consumer.callback-executor): {@code io} (default) on the I/O thread that read the answer, with no hand-off
     * per call, so callbacks must be short and never block (a blocking call or wait there fails at once); or
     * {@code default}, on a pool shared by the process ({@code tern-callback-N} daemon threads, made on demand and
     * idle ones ended after a minute, as gRPC's default executor), where callbacks may block, at the cost of a
     * hand-off per call.
     */
    public Reference<T> callbackExecutor(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        this.callbackExecutor = switch (n) {
            case "io" -> null;
            case "default" -> SharedCallbackExecutor.INSTANCE;
            default -> throw new IllegalArgumentException("unknown callback executor '" + name
                    + "' (rpc.consumer.callback-executor): use io or default");
        };
        return this;
    }

    /** Async methods' futures complete on this executor, so the caller's callbacks run there (see {@link #callbackExecutor(String)}). */
    public Reference<T> callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Whether an async method records where it was called (rpc.consumer.capture-call-site, default off), so that a
     * failure of its future has the caller's frames as its stack trace (see the README's "Errors a caller sees").
     * It costs a stack walk on every async call, failed or not; a blocking call needs no capture, as its failure is
     * thrown on the calling thread with that thread's frames.
     */
    public Reference<T> captureCallSite(boolean capture) {
        this.captureCallSite = capture;
        return this;
    }

    /**
     * Accrual failure detection (rpc.consumer.failure-detector.*): a provider whose silence while calls or PINGs
     * await its answer, plus its recent timeouts, reach suspicion φ ≥ {@code phiSuspect} is avoided and probed with
     * PINGs; at φ ≥ {@code phiEject} from silence, or after 3 unanswered probes, it is ejected until it answers 2
     * probes. {@code minStdDev} sets how long a silence must be to count (φ 3 after about 3 × it, φ 8 after about 5 ×).
     * Defaults: on, 3, 8, 100ms.
     */
    public Reference<T> failureDetector(boolean enabled, double phiSuspect, double phiEject, Duration minStdDev) {
        if (!(phiSuspect > 0) || Double.isInfinite(phiSuspect)) {
            throw new IllegalArgumentException("rpc.consumer.failure-detector.phi-suspect must be a number > 0, was " + phiSuspect);
        }
        if (!(phiEject >= phiSuspect) || Double.isInfinite(phiEject)) {
            throw new IllegalArgumentException("rpc.consumer.failure-detector.phi-eject must be >= rpc.consumer.failure-detector.phi-suspect ("
                    + phiSuspect + "), was " + phiEject);
        }
        if (minStdDev == null || minStdDev.isNegative() || minStdDev.isZero()) {
            throw new IllegalArgumentException("rpc.consumer.failure-detector.min-std-dev must be > 0, was " + minStdDev);
        }
        this.failureDetection = new AccrualFailureDetector.Settings(enabled, phiSuspect, phiEject, minStdDev);
        return this;
    }

    public Reference<T> loadBalancer(LoadBalancer loadBalancer) {
        this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
        return this;
    }

    /**
     * The balancer this reference's calls go through, checked against the interface (a consistent-hash key parameter
     * with no stable form is refused here, with an {@link IllegalArgumentException} naming the method).
     */
    public LoadBalancer balancer() {
        LoadBalancer lb = loadBalancer != null ? loadBalancer : LoadBalancers.byName(loadBalance, warmup.toMillis(), hashArguments);
        return lb.forService(interfaceClass);
    }

    /**
     * Adds a filter to this reference's calls, after the client's own filters (see {@link ClientFilter}); filters run
     * in the order they are added.
     */
    public Reference<T> filter(ClientFilter filter) {
        filters.add(Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /** The failover / backup link of a reference over {@code directory} (its counters feed {@link ReferenceView}). */
    FaultTolerance faultTolerance(Directory directory) {
        return new FaultTolerance(cluster.equals("failfast") ? 0 : retries,
                RetryBudget.forService(serviceKey(), retryBudgetRatio, retryBudgetMinPerSecond), BackupPolicy.parse(backupRequest),
                attemptTimeout.toNanos(), System::nanoTime, BackupTimer.INSTANCE);
    }

    /** The call path of this reference over {@code directory}, with the client's filters and auth token (null: none). */
    Invoker callPath(Directory directory, List<ClientFilter> clientFilters, String authToken, FaultTolerance faultTolerance) {
        return CallPath.cluster(directory, clientFilters, List.copyOf(filters), authToken, faultTolerance, balancer());
    }

    /** As the client made by {@code TernClient} would: its auth token, no client-wide filters. */
    Invoker callPath(Directory directory) {
        return callPath(directory, List.of(), directory.client().config().authToken(), faultTolerance(directory));
    }

    /** What a view of this reference names: cluster, load balancer, retries, backup requests. */
    String settings() {
        return "cluster=" + cluster + ", load-balance=" + loadBalance + ", retries=" + retries + ", backup-request=" + backupRequest;
    }

    /** The live provider list of this reference's service, with its health settings. */
    Directory directory(io.tern.rpc.registry.Registry registry, TransportClient client) {
        return new Directory(serviceKey(), registry, client, Directory.DEFAULT_LINGER, outliers, failureDetection);
    }

    public String serviceKey() {
        return ServiceKey.of(interfaceClass.getName(), version, group);
    }

    /** Creates the proxy over a single provider address. */
    public T create(TransportClient client) {
        HostPort hp = HostPort.parse(address, "reference address of " + interfaceClass.getName());
        return create(CallPath.direct(client.connection(hp.host(), hp.port()), List.of(), List.copyOf(filters), client.config().authToken()),
                hp.toString(), hp.toString());
    }

    /** Creates the proxy over any invoker (the cluster layer passes its call path; a test, a fake). */
    T create(Invoker invoker, String target) {
        return create(invoker, target, null);
    }

    /** {@code address}: the one provider of a reference to an address (null over a registry). */
    private T create(Invoker invoker, String target, String address) {
        List<String> packages = new ArrayList<>(exceptionPackages);
        packages.add(interfaceClass.getPackageName());
        ProxyHandler handler = new ProxyHandler(interfaceClass, serviceKey(), invoker, target, timeout, serializer, compression, packages, allIdempotent,
                callbackExecutor, new CallerFailures(serviceKey(), target, address, timeout.toNanos(), captureCallSite));
        return interfaceClass.cast(Proxy.newProxyInstance(interfaceClass.getClassLoader(), new Class<?>[]{interfaceClass}, handler));
    }
}
