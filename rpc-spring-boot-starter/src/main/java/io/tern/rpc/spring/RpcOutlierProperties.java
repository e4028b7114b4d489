package io.tern.rpc.spring;

import java.time.Duration;

/**
 * {@code rpc.consumer.outlier.*}: outlier ejection (as Envoy's): a provider that fails calls (INTERNAL_ERROR answers,
 * failed connections) is ejected for a while. Overload refusals and timeouts are not failures here.
 */
public class RpcOutlierProperties {
    /** Failures in a row that eject a provider. */
    private int consecutiveFailures = 5;

    /** At most this share of a service's providers (0..100) is ejected at once. */
    private int maxEjectedPercent = 50;

    /** First ejection time; each further ejection lasts this much longer, and each period of it spent healthy forgives one. */
    private Duration baseEjectionTime = Duration.ofSeconds(5);

    /** Longest ejection time. */
    private Duration maxEjectionTime = Duration.ofMinutes(1);

    public int getConsecutiveFailures() { return consecutiveFailures; }
    public void setConsecutiveFailures(int consecutiveFailures) { this.consecutiveFailures = consecutiveFailures; }
    public int getMaxEjectedPercent() { return maxEjectedPercent; }
    public void setMaxEjectedPercent(int maxEjectedPercent) { this.maxEjectedPercent = maxEjectedPercent; }
    public Duration getBaseEjectionTime() { return baseEjectionTime; }
    public void setBaseEjectionTime(Duration baseEjectionTime) { this.baseEjectionTime = baseEjectionTime; }
    public Duration getMaxEjectionTime() { return maxEjectionTime; }
    public void setMaxEjectionTime(Duration maxEjectionTime) { this.maxEjectionTime = maxEjectionTime; }

    /** The values as bound; the Reference builder validates them (see {@link ReferenceDefaults#reference}). */
    ReferenceDefaults.Outlier toSettings() {
        return new ReferenceDefaults.Outlier(consecutiveFailures, maxEjectedPercent, baseEjectionTime, maxEjectionTime);
    }
}
