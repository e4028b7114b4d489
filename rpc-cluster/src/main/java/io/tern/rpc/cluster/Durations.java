package io.tern.rpc.cluster;

import java.time.Duration;
import java.util.Locale;

/** Parses durations written as {@code 3s}, {@code 200ms}, {@code 1m}, {@code 500us} (or ISO-8601 {@code PT3S}). */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String value, String property) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("us")) {
                return Duration.ofNanos(1000 * Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(1000 * Double.parseDouble(v.substring(0, v.length() - 1).trim())));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + " '" + value + "' is not a duration: write e.g. 3s or 200ms", e);
        }
        throw new IllegalArgumentException(property + " '" + value + "' is not a duration: write e.g. 3s or 200ms");
    }
}
