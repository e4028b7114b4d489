package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ServerConfig;

import java.time.Duration;

/** The checks {@link ClientConfig} and {@link ServerConfig} make when built: each failure names its property. */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    /** Throws {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    public static boolean nonNegative(Duration d) {
        return d != null && !d.isNegative();
    }
}
