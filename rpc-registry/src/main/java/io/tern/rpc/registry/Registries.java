package io.tern.rpc.registry;

/** Creates the registry an address names. */
public final class Registries {
    private Registries() {
    }

    public static Registry create(RegistryConfig config) {
        RegistryAddress address = RegistryAddress.parse(config.address());
        return switch (address.scheme()) {
            case RegistryAddress.ZOOKEEPER -> new ZooKeeperRegistry(address, config);
            case RegistryAddress.DIRECT -> new DirectRegistry(address);
            default -> throw new IllegalArgumentException("unsupported registry scheme " + address.scheme());
        };
    }
}
