package io.tern.rpc.registry;

import java.time.Duration;

/**
 * Registry settings: address ({@code zookeeper://h:p[,h:p…]} or {@code direct://h:p[,h:p…]}), root path and
 * Curator's session/connection timeouts and retry policy. Validated when built, naming the property at fault.
 */
public record RegistryConfig(String address, String rootPath, Duration sessionTimeout, Duration connectTimeout,
                             Duration retryBaseSleep, int retryMaxRetries) {

    public static final String DEFAULT_ADDRESS = "zookeeper://127.0.0.1:2181";

    public RegistryConfig {
        if (rootPath == null || !rootPath.startsWith("/") || (rootPath.length() > 1 && rootPath.endsWith("/"))) {
            throw new IllegalArgumentException("rpc.registry.root-path must start with '/' and not end with one, was '" + rootPath + "'");
        }
        requirePositive(sessionTimeout, "rpc.registry.session-timeout");
        requirePositive(connectTimeout, "rpc.registry.connect-timeout");
        requirePositive(retryBaseSleep, "rpc.registry.retry-base-sleep");
        if (retryMaxRetries < 0 || retryMaxRetries > 29) {
            throw new IllegalArgumentException("rpc.registry.retry-max-retries must be 0..29, was " + retryMaxRetries);
        }
        RegistryAddress.parse(address); // fails with a message naming the problem
    }

    public static RegistryConfig of(String address) {
        return new RegistryConfig(address, "/tern", Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1), 3);
    }

    public RegistryConfig withSessionTimeout(Duration d) {
        return new RegistryConfig(address, rootPath, d, connectTimeout, retryBaseSleep, retryMaxRetries);
    }

    public RegistryConfig withConnectTimeout(Duration d) {
        return new RegistryConfig(address, rootPath, sessionTimeout, d, retryBaseSleep, retryMaxRetries);
    }

    public RegistryConfig withRootPath(String path) {
        return new RegistryConfig(address, path, sessionTimeout, connectTimeout, retryBaseSleep, retryMaxRetries);
    }

    public RegistryConfig withRetry(Duration baseSleep, int maxRetries) {
        return new RegistryConfig(address, rootPath, sessionTimeout, connectTimeout, baseSleep, maxRetries);
    }

    private static void requirePositive(Duration d, String property) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(property + " must be > 0, was " + d);
        }
    }
}
