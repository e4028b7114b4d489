package io.tern.rpc.spring;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.protocol.Compression;
import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What every reference starts from: the {@code rpc.consumer.*} defaults (with rpc.serialization and rpc.compression),
 * and the one mapping of them onto a {@link Reference}. The Reference builder judges every value; the defaults go
 * through it once at start-up (as a reference that sets nothing of its own), each reference's own values when it is
 * resolved. A refused value is reported by the attribute the reference set, else by its property.
 */
record ReferenceDefaults(Duration timeout, String loadBalance, String cluster, int retries, String backupRequest,
                         String serialization, String compression, int compressionThreshold, int[] hashArguments,
                         double retryBudgetRatio, int retryBudgetMinPerSecond, Duration warmup, Duration attemptTimeout,
                         String callbackExecutor, boolean captureCallSite, java.util.List<String> exceptionPackages,
                         Outlier outlier, FailureDetector failureDetector) {

    /** rpc.consumer.outlier.*, as bound. */
    record Outlier(int consecutiveFailures, int maxEjectedPercent, Duration baseEjectionTime, Duration maxEjectionTime) {
    }

    /** rpc.consumer.failure-detector.*, as bound. */
    record FailureDetector(boolean enabled, double phiSuspect, double phiEject, Duration minStdDev) {
    }

    ReferenceDefaults {
        hashArguments = hashArguments.clone();
        exceptionPackages = java.util.List.copyOf(exceptionPackages);
    }

    @Override
    public int[] hashArguments() {
        return hashArguments.clone();
    }

    /**
     * The configuration of one reference: its own settings over the defaults, checked by building its Reference
     * (and, for consistent-hash, its balancer against the interface's methods).
     *
     * @param where names the reference in messages, e.g. {@code @RpcReference on com.acme.Checkout.users}
     */
    RpcReferences.Key resolve(Class<?> type, ReferenceSettings own, String where) {
        if (type == null || !type.isInterface()) {
            throw new RpcConfigurationException(where, where + ": " + (type == null ? "no type" : type.getName() + " is not an interface")
                    + "; a reference is made to a service interface");
        }
        Duration t = timeout;
        if (!own.timeout().isEmpty()) {
            t = apply(own.timeout(), "timeout", "rpc.consumer.timeout", where, () -> DurationStyle.detectAndParse(own.timeout()));
        }
        RpcReferences.Key key = new RpcReferences.Key(type, own.version(), own.group(), t, or(own.loadBalance(), loadBalance),
                or(own.cluster(), cluster), own.retries() == -1 ? retries : own.retries(), or(own.backupRequest(), backupRequest),
                or(own.serialization(), serialization), or(own.compression(), compression), own.idempotent());
        Reference<?> reference = build(type, key, own, where);
        if ("consistent-hash".equals(key.loadBalance())) {
            try {
                reference.balancer();
            } catch (IllegalArgumentException e) {
                // not a bad value but a type the balancer cannot key: the message names the method, the setting chose the balancer
                String setting = own.loadBalance().isEmpty() ? "rpc.consumer.load-balance" : where + " loadBalance";
                throw new RpcConfigurationException(setting, where + ": " + e.getMessage(), e);
            }
        }
        return key;
    }

    /** The Reference of a configuration {@link #resolve} returned. */
    <T> Reference<T> reference(Class<T> type, RpcReferences.Key key) {
        return build(type, key, ReferenceSettings.defaults(), key.toString());
    }

    private <T> Reference<T> build(Class<T> type, RpcReferences.Key key, ReferenceSettings own, String where) {
        Reference<T> r = Reference.to(type).version(key.version()).group(key.group()).idempotent(key.idempotent());
        apply(own.timeout(), "timeout", "rpc.consumer.timeout", where, () -> r.timeout(key.timeout()));
        apply(own.loadBalance(), "loadBalance", "rpc.consumer.load-balance", where, () -> r.loadBalance(key.loadBalance()));
        apply(own.cluster(), "cluster", "rpc.consumer.cluster", where, () -> r.cluster(key.cluster()));
        apply(own.retries() == -1 ? "" : Integer.toString(own.retries()), "retries", "rpc.consumer.retries", where,
                () -> r.retries(key.retries()));
        apply(own.backupRequest(), "backupRequest", "rpc.consumer.backup-request", where, () -> r.backupRequest(key.backupRequest()));
        apply(own.serialization(), "serialization", "rpc.serialization", where, () -> r.serialization(key.serialization()));
        apply(own.compression(), "compression", "rpc.compression", where,
                () -> r.compression(Compression.byName(key.compression(), compressionThreshold)));
        // the rest have no annotation attribute: always the property's value
        apply("", null, "rpc.consumer.hash-arguments", where, () -> r.hashArguments(hashArguments));
        apply("", null, "rpc.consumer.retry-budget-ratio", where, () -> r.retryBudget(retryBudgetRatio, retryBudgetMinPerSecond));
        apply("", null, "rpc.consumer.warmup", where, () -> r.warmup(warmup));
        apply("", null, "rpc.consumer.attempt-timeout", where, () -> r.attemptTimeout(attemptTimeout));
        apply("", null, "rpc.consumer.callback-executor", where, () -> r.callbackExecutor(callbackExecutor));
        r.captureCallSite(captureCallSite);
        apply("", null, "rpc.consumer.exception-packages", where, () -> {
            for (String p : exceptionPackages) {
                if (!p.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
                    throw new IllegalArgumentException("'" + p + "' is not a package name (rpc.consumer.exception-packages): use e.g. com.acme.errors");
                }
                r.allowExceptionPackage(p);
            }
            return r;
        });
        apply("", null, "rpc.consumer.outlier", where, () -> r.outlierEjection(outlier.consecutiveFailures(),
                outlier.maxEjectedPercent(), outlier.baseEjectionTime(), outlier.maxEjectionTime()));
        apply("", null, "rpc.consumer.failure-detector", where, () -> r.failureDetector(failureDetector.enabled(),
                failureDetector.phiSuspect(), failureDetector.phiEject(), failureDetector.minStdDev()));
        return r;
    }

    /**
     * Runs one step of the mapping. A refusal names the reference's attribute when it set one ({@code own} not
     * empty), else the property (unless the message names a property already).
     */
    private static <R> R apply(String own, String attribute, String property, String where, Supplier<R> step) {
        try {
            return step.get();
        } catch (RpcConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            if (own.isEmpty()) {
                throw RpcConfigurationException.of(property, e);
            }
            throw new RpcConfigurationException(where + " " + attribute, where + ": " + attribute + " = \"" + own + "\" is invalid: "
                    + e.getMessage(), e);
        }
    }

    private static String or(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
