package io.tern.rpc.registry;

/** The built-in {@code zookeeper://host:port[,host:port...]} registry (SPEC §3). */
final class ZooKeeperRegistryFactory implements RegistryFactory {
    @Override
    public String scheme() {
        return RegistryAddress.ZOOKEEPER;
    }

    @Override
    public Registry create(RegistryAddress address, RegistryConfig config) {
        return new ZooKeeperRegistry(address, config);
    }
}
