package io.tern.rpc.spring;

import io.tern.rpc.registry.RegistryConfig;

import java.time.Duration;

/** {@code rpc.registry.*}: where providers register and consumers look them up. */
public class RpcRegistryProperties {
    /** Registry address: zookeeper://host:port[,host:port...] or direct://host:port[,host:port...] (consumer only). */
    private String address = "zookeeper://127.0.0.1:2181";

    /** ZooKeeper session timeout: a provider whose session expires disappears from the registry. */
    private Duration sessionTimeout = Duration.ofSeconds(30);

    /** How long start-up waits for the first connection to ZooKeeper. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** ZooKeeper path under which services are registered. */
    private String rootPath = "/tern";

    /** Base sleep of the exponential backoff between ZooKeeper operation retries. */
    private Duration retryBaseSleep = Duration.ofSeconds(1);

    /** How many times a failed ZooKeeper operation is retried (0..29). */
    private int retryMaxRetries = 3;

    /** ZooKeeper digest user of the providers: with a password, registry nodes are writable only with these credentials (anyone reads). */
    private String username;

    /** ZooKeeper digest password of rpc.registry.username (both or neither); never logged. */
    private String password;

    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public Duration getSessionTimeout() { return sessionTimeout; }
    public void setSessionTimeout(Duration sessionTimeout) { this.sessionTimeout = sessionTimeout; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public String getRootPath() { return rootPath; }
    public void setRootPath(String rootPath) { this.rootPath = rootPath; }
    public Duration getRetryBaseSleep() { return retryBaseSleep; }
    public void setRetryBaseSleep(Duration retryBaseSleep) { this.retryBaseSleep = retryBaseSleep; }
    public int getRetryMaxRetries() { return retryMaxRetries; }
    public void setRetryMaxRetries(int retryMaxRetries) { this.retryMaxRetries = retryMaxRetries; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }

    /** The registry settings, validated by {@link RegistryConfig} (its messages name the property). */
    RegistryConfig toConfig() {
        return RpcConfigurationException.naming("rpc.registry", () -> RegistryConfig.of(address)
                .withSessionTimeout(sessionTimeout)
                .withConnectTimeout(connectTimeout)
                .withRootPath(rootPath)
                .withRetry(retryBaseSleep, retryMaxRetries)
                .withCredentials(username, password));
    }
}
