package io.tern.rpc.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** A fixed provider list ({@code direct://h:p,…}) for consumers without a registry. Registration is a no-op. */
final class DirectRegistry implements Registry {
    private static final Logger log = LoggerFactory.getLogger(DirectRegistry.class);
    private final RegistryAddress address;
    private volatile RegistryStatus status;

    DirectRegistry(RegistryAddress address) {
        this.address = address;
        this.status = new RegistryStatus(RegistryStatus.State.FIXED, java.time.Instant.now(), address + ": a fixed provider list, no registry session");
    }

    @Override
    public RegistryStatus status() {
        return status;
    }

    @Override
    public void register(ProviderInfo provider) {
        log.info("direct registry: {} is not published anywhere; consumers must list {} in their direct:// address",
                provider.serviceKey(), provider.address());
    }

    @Override
    public void unregister(ProviderInfo provider) {
        // nothing was published
    }

    @Override
    public Subscription subscribe(String serviceKey, ProviderListener listener) {
        List<ProviderInfo> providers = new ArrayList<>();
        for (String hp : address.hosts()) {
            providers.add(ProviderInfo.fromNode(serviceKey, hp, ""));
        }
        listener.onProviders(List.copyOf(providers));
        return () -> { };
    }

    @Override
    public String describe(String serviceKey) {
        return address.toString();
    }

    @Override
    public void close() {
        status = new RegistryStatus(RegistryStatus.State.CLOSED, java.time.Instant.now(), address + ": closed"); // nothing else to release
    }
}
