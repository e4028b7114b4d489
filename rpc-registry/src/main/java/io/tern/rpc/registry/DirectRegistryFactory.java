package io.tern.rpc.registry;

/** The built-in {@code direct://host:port[,host:port...]} fixed provider list (SPEC §3). */
final class DirectRegistryFactory implements RegistryFactory {
    @Override
    public String scheme() {
        return RegistryAddress.DIRECT;
    }

    @Override
    public Registry create(RegistryAddress address, RegistryConfig config) {
        return new DirectRegistry(address);
    }
}
