package io.tern.rpc.benchmark.cluster;

import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ServerConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The providers: real Tern servers on 127.0.0.1 in this JVM, each on its own port and its own Netty event loops and
 * business executor; the last one is the one a scenario slows down. Consumers find them through a {@code direct://}
 * list of all their addresses (the registry plays no part in tail latency).
 */
final class Fleet implements AutoCloseable {
    private final List<SimulatedProvider> providers = new ArrayList<>();
    private final List<TernServer> servers = new ArrayList<>();
    private final String direct;
    private int groups;

    Fleet(int size, long baseNanos) {
        StringBuilder addresses = new StringBuilder();
        try {
            for (int i = 0; i < size; i++) {
                SimulatedProvider p = new SimulatedProvider(baseNanos, i == size - 1);
                TernServer s = new TernServer(ServerConfig.builder().host("127.0.0.1").port(0).executorThreads(64).build(),
                        RegistryConfig.of("direct://127.0.0.1:1"), "127.0.0.1");
                s.start();
                providers.add(p);
                servers.add(s);
                addresses.append(i == 0 ? "" : ",").append("127.0.0.1:").append(s.port());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        direct = "direct://" + addresses;
    }

    /**
     * Every provider exports the service in a new group, returned: a fresh service key, so the next reference gets a
     * fresh retry budget and fresh provider state.
     */
    String exportNewGroup() {
        String group = "tail-" + (++groups);
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).export(ServiceExport.of(TailService.class, providers.get(i)).group(group));
        }
        return group;
    }

    void scenario(Scenario s) {
        providers.forEach(p -> p.scenario(s));
    }

    String directAddress() {
        return direct;
    }

    /** From now on each provider counts the calls whose key is at least {@code firstKey} (the measured window's). */
    void countFrom(int firstKey) {
        providers.forEach(p -> p.countFrom(firstKey));
    }

    /** Measured calls served by each provider, the slow one last. */
    long[] served() {
        return providers.stream().mapToLong(p -> p.served.sum()).toArray();
    }

    @Override
    public void close() {
        servers.forEach(TernServer::close);
    }
}
