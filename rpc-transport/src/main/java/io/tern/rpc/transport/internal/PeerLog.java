package io.tern.rpc.transport.internal;


import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Log lines a peer can trigger, rate-limited per peer address: each address has a bucket of {@link #BURST} lines
 * that refills at one line per {@link #REFILL_NANOS} (a second); events beyond it are only counted, and the next line
 * logged for that address says how many were suppressed. A peer that sends 10^5 bad frames a second thus writes at
 * most {@code BURST} lines, then one a second, instead of 10^5 — while a handful of bad connections each still get
 * their own line naming the peer (SPEC §2).
 *
 * <p>At most {@link #MAX_PEERS} addresses are tracked apart; beyond that, events share one bucket, so the table
 * cannot be grown by a peer that changes addresses. Each server and client has its own.
 */
public final class PeerLog {
    public static final int BURST = 16;
    static final long REFILL_NANOS = 1_000_000_000L;
    static final int MAX_PEERS = 1024;
    private static final String OTHERS = "(other peers)";

    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        long tokens = BURST;
        long refilledAt;
        long suppressed;

        Bucket(long now) {
            refilledAt = now;
        }
    }

    public PeerLog() {
        this(System::nanoTime);
    }

    public PeerLog(LongSupplier clock) {
        this.clock = clock;
    }

    /** WARN {@code message} on {@code log}, triggered by {@code peer} ({@code host:port}), within the peer's rate. */
    public void warn(Logger log, String peer, String message) {
        String suffix = admit(peer);
        if (suffix != null) {
            log.warn("{}{}", message, suffix);
        }
    }

    /** INFO, rate-limited as {@link #warn}. */
    public void info(Logger log, String peer, String message) {
        String suffix = admit(peer);
        if (suffix != null) {
            log.info("{}{}", message, suffix);
        }
    }

    /**
     * Null when this event is only counted; otherwise the suffix for the line to log: empty, or the count of lines
     * left out since the last one.
     */
    String admit(String peer) {
        long now = clock.getAsLong();
        String key = hostOf(peer);
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= MAX_PEERS) {
                key = OTHERS;
            }
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(now));
        }
        long left;
        synchronized (bucket) {
            long refill = (now - bucket.refilledAt) / REFILL_NANOS;
            if (refill > 0) {
                bucket.tokens = Math.min(BURST, bucket.tokens + refill);
                bucket.refilledAt += refill * REFILL_NANOS;
            }
            if (bucket.tokens == 0) {
                bucket.suppressed++;
                return null;
            }
            bucket.tokens--;
            left = bucket.suppressed;
            bucket.suppressed = 0;
        }
        return left == 0 ? "" : " (" + left + " more like this from " + key + " suppressed)";
    }

    /** The host part of {@code host:port} (as {@link FrameDecoder#peer} formats it): one peer is one address, whatever its port. */
    static String hostOf(String peer) {
        if (peer == null) {
            return "?";
        }
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }
}
