package io.tern.rpc.cluster;

import java.time.Duration;
import java.util.Locale;

/** When to send a backup request: never, after a fixed delay, or after a percentile of recent latency. */
record BackupPolicy(Duration fixedDelay, double percentile) {
    public static final BackupPolicy OFF = new BackupPolicy(null, 0);

    public boolean enabled() {
        return fixedDelay != null || percentile > 0;
    }

    /** {@code off}, a duration such as {@code 50ms} / {@code 1s}, or {@code p90}..{@code p99.9}. */
    public static BackupPolicy parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        String hint = " (rpc.consumer.backup-request): use off, a delay such as 50ms, or a percentile such as p95";
        if (s.isEmpty() || s.equals("off") || s.equals("none") || s.equals("false")) {
            return OFF;
        }
        if (s.startsWith("p")) {
            double p;
            try {
                p = Double.parseDouble(s.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("backup request '" + spec + "' is not a percentile" + hint, e);
            }
            if (p < 50 || p >= 100) {
                throw new IllegalArgumentException("backup request percentile " + p + " must be in [50, 100)" + hint);
            }
            return new BackupPolicy(null, p);
        }
        Duration d = Durations.parse(spec, "rpc.consumer.backup-request");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("backup request delay must be > 0, was " + spec + hint);
        }
        return new BackupPolicy(d, 0);
    }
}
