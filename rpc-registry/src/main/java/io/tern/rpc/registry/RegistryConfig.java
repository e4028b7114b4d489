package io.tern.rpc.registry;

import java.time.Duration;

/**
 * Registry settings: address ({@code zookeeper://h:p[,h:p…]}, {@code direct://h:p[,h:p…]}, or the scheme of a
 * {@link RegistryFactory} on the class path), root path, Curator's session/connection timeouts and retry policy, and
 * optional ZooKeeper digest credentials (user name and password, both or neither; with them every registry node is
 * written with an ACL only they may write). Validated when built, naming the property at fault. The password never
 * appears in {@link #toString()}. A third-party registry reads what it needs of these; the rest are ZooKeeper's.
 */
public record RegistryConfig(String address, String rootPath, Duration sessionTimeout, Duration connectTimeout,
                             Duration retryBaseSleep, int retryMaxRetries, String username, String password) {

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
        username = emptyToNull(username);
        password = emptyToNull(password);
        if (username != null && password == null) {
            throw new IllegalArgumentException("rpc.registry.password is not set but rpc.registry.username is ('" + username
                    + "'): ZooKeeper digest credentials need both, or neither");
        }
        if (username == null && password != null) {
            throw new IllegalArgumentException("rpc.registry.username is not set but rpc.registry.password is: ZooKeeper digest"
                    + " credentials need both, or neither");
        }
        // ZooKeeper splits "user:password" at the first ':', so a user name cannot hold one
        if (username != null && (username.isBlank() || username.indexOf(':') >= 0)) {
            throw new IllegalArgumentException("rpc.registry.username must be non-blank and must not contain ':', was '" + username + "'");
        }
    }

    /** The settings without credentials (open ACLs, as before credentials existed). */
    public RegistryConfig(String address, String rootPath, Duration sessionTimeout, Duration connectTimeout,
                          Duration retryBaseSleep, int retryMaxRetries) {
        this(address, rootPath, sessionTimeout, connectTimeout, retryBaseSleep, retryMaxRetries, null, null);
    }

    public static RegistryConfig of(String address) {
        return new RegistryConfig(address, "/tern", Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(1), 3);
    }

    public RegistryConfig withSessionTimeout(Duration d) {
        return new RegistryConfig(address, rootPath, d, connectTimeout, retryBaseSleep, retryMaxRetries, username, password);
    }

    public RegistryConfig withConnectTimeout(Duration d) {
        return new RegistryConfig(address, rootPath, sessionTimeout, d, retryBaseSleep, retryMaxRetries, username, password);
    }

    public RegistryConfig withRootPath(String path) {
        return new RegistryConfig(address, path, sessionTimeout, connectTimeout, retryBaseSleep, retryMaxRetries, username, password);
    }

    public RegistryConfig withRetry(Duration baseSleep, int maxRetries) {
        return new RegistryConfig(address, rootPath, sessionTimeout, connectTimeout, baseSleep, maxRetries, username, password);
    }

    /** ZooKeeper digest credentials (both or neither; null or empty means none). */
    public RegistryConfig withCredentials(String user, String secret) {
        return new RegistryConfig(address, rootPath, sessionTimeout, connectTimeout, retryBaseSleep, retryMaxRetries, user, secret);
    }

    /** True when registry nodes are written with a digest ACL for {@link #username()}. */
    public boolean hasCredentials() {
        return username != null;
    }

    @Override
    public String toString() {
        return "RegistryConfig[address=" + address + ", rootPath=" + rootPath + ", sessionTimeout=" + sessionTimeout
                + ", connectTimeout=" + connectTimeout + ", retryBaseSleep=" + retryBaseSleep + ", retryMaxRetries=" + retryMaxRetries
                + ", username=" + username + ", password=" + (password == null ? "null" : "******") + "]";
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void requirePositive(Duration d, String property) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(property + " must be > 0, was " + d);
        }
    }
}
