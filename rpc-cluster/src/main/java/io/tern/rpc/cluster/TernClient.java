package io.tern.rpc.cluster;

import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;

import java.util.ArrayList;
import java.util.List;

/**
 * A consumer: transport, registry session and the directories of its references.
 *
 * <pre>{@code
 * TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of("zookeeper://127.0.0.1:2181"));
 * HelloService hello = client.refer(Reference.to(HelloService.class).retries(2));
 * }</pre>
 */
public final class TernClient implements AutoCloseable {
    private final TransportClient rpcClient;
    private final Registry registry;
    private final List<Directory> directories = new ArrayList<>();
    /** What {@link #views()} reads: one per reference made, in the order they were made. */
    private final List<LiveReference> live = new ArrayList<>();

    private final boolean ownsRegistry;
    private final List<ClientFilter> filters = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TernClient(ClientConfig clientConfig, RegistryConfig registryConfig) {
        this(clientConfig, Registries.create(registryConfig), true);
    }

    /** A client over a registry made elsewhere (any {@link Registry} implementation); {@link #close()} leaves it open. */
    public TernClient(ClientConfig clientConfig, Registry registry) {
        this(clientConfig, registry, false);
    }

    private TernClient(ClientConfig clientConfig, Registry registry, boolean ownsRegistry) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.rpcClient = new TransportClient(clientConfig);
    }

    /**
     * Adds a filter to the calls of every reference made from now on, before each reference's own filters (see
     * {@link ClientFilter}); filters run in the order they are added.
     */
    public TernClient filter(ClientFilter filter) {
        filters.add(java.util.Objects.requireNonNull(filter, "filter"));
        return this;
    }

    /** A proxy whose calls go to the providers the registry lists for the reference's service key. */
    public synchronized <T> T refer(Reference<T> reference) {
        Directory directory = reference.directory(registry, rpcClient);
        try {
            FaultTolerance faultTolerance = reference.faultTolerance(directory);
            T proxy = reference.create(reference.callPath(directory, List.copyOf(filters), rpcClient.config().authToken(), faultTolerance),
                    directory.describe());
            directories.add(directory);
            live.add(new LiveReference(reference.settings(), directory, faultTolerance));
            return proxy;
        } catch (RuntimeException e) {
            directory.close(); // a reference refused at creation (its hash key, its types) leaves no subscription behind
            throw e;
        }
    }

    /** The provider lists of the references made so far, one per reference. */
    public synchronized List<Directory> directories() {
        return List.copyOf(directories);
    }

    /** Each reference made so far as it is now: its providers and what its fault tolerance has spent. */
    public List<ReferenceView> views() {
        List<LiveReference> now;
        synchronized (this) {
            now = List.copyOf(live);
        }
        List<ReferenceView> views = new ArrayList<>(now.size());
        for (LiveReference r : now) {
            views.add(ReferenceView.of(r.settings(), r.directory(), r.faultTolerance()));
        }
        return views;
    }

    private record LiveReference(String settings, Directory directory, FaultTolerance faultTolerance) {
    }

    public Registry registry() {
        return registry;
    }

    public TransportClient transportClient() {
        return rpcClient;
    }

    @Override
    public synchronized void close() {
        for (Directory d : directories) {
            d.close();
        }
        directories.clear();
        live.clear();
        rpcClient.close();
        if (ownsRegistry) {
            registry.close();
        }
    }
}
