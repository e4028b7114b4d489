package io.tern.rpc.cluster;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.tern.rpc.protocol.RpcResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The health of one directory's providers: every attempt's outcome feeds overload steering, the provider's
 * {@link AccrualFailureDetector} and {@link OutlierDetector outlier ejection}; a timer looks at every failure detector
 * every few milliseconds, ejecting the dead (within the ejection cap) and re-admitting the revived.
 */
final class ProviderHealth {
    private static final Logger log = LoggerFactory.getLogger(ProviderHealth.class);

    private final String serviceKey;
    private final OutlierDetector outliers;
    private final Timer timer;
    private final Supplier<List<Endpoint>> endpoints;
    private long tickNanos;
    private volatile Timeout ticker;
    private volatile boolean stopped;

    ProviderHealth(String serviceKey, OutlierDetector outliers, Timer timer, Supplier<List<Endpoint>> endpoints) {
        this.serviceKey = serviceKey;
        this.outliers = outliers;
        this.timer = timer;
        this.endpoints = endpoints;
    }

    /** Feeds one attempt's outcome to overload steering, the failure detector and outlier ejection. */
    void record(Endpoint endpoint, Throwable failure, RpcResponse response) {
        CallOutcome outcome = CallOutcome.of(failure, response);
        long now = outliers.now();
        boolean eject = false;
        synchronized (endpoint) { // the one lock an outcome takes; the detectors' own locking is reentrant under it
            endpoint.recordOutcome(outcome, now);
            switch (outcome) {
                case ANSWERED -> outliers.count(endpoint, false, now);
                case ERROR_ANSWER, FAILED -> eject = outliers.count(endpoint, true, now);
                default -> { } // overload and timeouts are not outlier failures; a call never sent says nothing
            }
        }
        if (eject) {
            outliers.eject(endpoint, endpoints.get(), now);
        }
    }

    /** Starts looking at the failure detectors every {@code tickNanos}. */
    void start(long everyNanos) {
        this.tickNanos = everyNanos;
        scheduleTick();
    }

    void stop() {
        stopped = true;
        Timeout t = ticker;
        if (t != null) {
            t.cancel();
        }
    }

    private void scheduleTick() {
        try {
            ticker = timer.newTimeout(t -> tick(), tickNanos, TimeUnit.NANOSECONDS);
        } catch (IllegalStateException e) {
            log.debug("{}: client timer stopped; failure detection ends", serviceKey);
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        try {
            List<Endpoint> all = endpoints.get();
            for (Endpoint e : all) {
                switch (e.liveness().tick()) {
                    case DEAD -> {
                        long now = outliers.now();
                        if (!e.isEjected(now) && outliers.mayEject(e, all, now)) {
                            e.liveness().declareDead();
                            log.warn("{}: ejecting provider {}: no answer to calls or PINGs (suspicion φ {}); it is back once it answers PINGs",
                                    serviceKey, e.address(), String.format("%.1f", e.liveness().phi()));
                        }
                    }
                    case ALIVE_AGAIN -> log.info("{}: provider {} answers PINGs again: re-admitted", serviceKey, e.address());
                    default -> { }
                }
            }
        } catch (RuntimeException e) {
            log.warn("{}: failure detection failed this round: {}", serviceKey, e.toString(), e);
        } finally {
            if (!stopped) {
                scheduleTick();
            }
        }
    }
}
