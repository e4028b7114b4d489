package io.tern.rpc.spring;

import java.time.Duration;

/**
 * {@code rpc.consumer.failure-detector.*}: accrual (phi) failure detection per provider: how unlikely its silence is
 * while calls or PINGs await its answer, given how it usually answers, plus its recent timeouts.
 */
public class RpcFailureDetectorProperties {
    /** Whether accrual failure detection runs (the heartbeat's 3-missed-intervals rule and outlier ejection remain). */
    private boolean enabled = true;

    /** Suspicion level from which a provider is avoided while others will do, and probed with PINGs. */
    private double phiSuspect = 3;

    /** Suspicion level of silence from which a provider is ejected, until it answers PINGs again. */
    private double phiEject = 8;

    /** Floor on the deviation of a provider's answer intervals: how long a silence must last to count (phi 3 after about 3 times this). */
    private Duration minStdDev = Duration.ofMillis(100);

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public double getPhiSuspect() { return phiSuspect; }
    public void setPhiSuspect(double phiSuspect) { this.phiSuspect = phiSuspect; }
    public double getPhiEject() { return phiEject; }
    public void setPhiEject(double phiEject) { this.phiEject = phiEject; }
    public Duration getMinStdDev() { return minStdDev; }
    public void setMinStdDev(Duration minStdDev) { this.minStdDev = minStdDev; }

    /** The values as bound; the Reference builder validates them (see {@link ReferenceDefaults#reference}). */
    ReferenceDefaults.FailureDetector toSettings() {
        return new ReferenceDefaults.FailureDetector(enabled, phiSuspect, phiEject, minStdDev);
    }
}
