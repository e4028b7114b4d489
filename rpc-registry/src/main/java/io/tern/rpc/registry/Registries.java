package io.tern.rpc.registry;

/**
 * Creates the registry an address names, through the {@link RegistryFactory} of its scheme: the built-in
 * {@code zookeeper} and {@code direct}, or one found on the class path.
 */
public final class Registries {
    private Registries() {
    }

    public static Registry create(RegistryConfig config) {
        RegistryAddress address = RegistryAddress.parse(config.address()); // its scheme is known, or this fails naming the known ones
        RegistryFactory factory = RegistryFactories.all().get(address.scheme());
        Registry registry = factory.create(address, config);
        if (registry == null) {
            throw new IllegalStateException(factory.getClass().getName() + " created no registry for " + address);
        }
        return registry;
    }
}
