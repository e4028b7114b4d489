package io.tern.rpc.transport;

import java.time.Duration;

/** The checks {@link ClientConfig} and {@link ServerConfig} make when built: each failure names its property. */
final class ConfigCheck {
    private ConfigCheck() {
    }

    /** Throws {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    static boolean nonNegative(Duration d) {
        return d != null && !d.isNegative();
    }
}
