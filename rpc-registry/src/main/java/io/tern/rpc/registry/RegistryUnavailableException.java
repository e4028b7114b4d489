package io.tern.rpc.registry;

import java.time.Duration;

/**
 * The registry did not answer within {@code rpc.registry.connect-timeout} when a registry session started. A type of
 * its own so that start-up can explain it (the Spring Boot starter's failure analysis names the address and what to
 * do) instead of showing the ZooKeeper client's retries.
 */
public class RegistryUnavailableException extends RegistryException {
    private final String servers;
    private final Duration connectTimeout;

    public RegistryUnavailableException(String servers, Duration connectTimeout) {
        super("ZooKeeper at " + servers + " (rpc.registry.address) did not answer within " + readable(connectTimeout)
                + " (rpc.registry.connect-timeout): is it running, and reachable from this host?");
        this.servers = servers;
        this.connectTimeout = connectTimeout;
    }

    /** The servers tried, {@code host:port[,host:port...]}. */
    public String servers() {
        return servers;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@code 5 s}, {@code 1.5 s} or {@code 500 ms}: as a user would write it. */
    static String readable(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
