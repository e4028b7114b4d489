package io.tern.rpc.registry;

/**
 * Makes the {@link Registry} for one address scheme: the extension point for registries other than the built-in
 * {@code zookeeper://} and {@code direct://}. A third-party registry (etcd, Nacos, Consul…) plugs in by scheme with no
 * change to the framework: implement this interface in a public class with a public no-argument constructor and list
 * that class in {@code META-INF/services/io.tern.rpc.registry.RegistryFactory} on the class path
 * ({@link java.util.ServiceLoader}). {@code rpc.registry.address=etcd://host:port,...} then creates its registry
 * through {@link Registries#create}.
 *
 * <p>Factories are discovered once, when an address is first parsed. Two factories claiming one scheme (including a
 * built-in one) are refused with an error naming both classes.
 */
public interface RegistryFactory {

    /**
     * The scheme of the addresses this factory serves, the part before {@code ://}: lower-case letters, digits,
     * {@code +}, {@code -} and {@code .}, starting with a letter (e.g. {@code etcd}).
     */
    String scheme();

    /**
     * Whether each comma-separated entry of the address must be {@code host:port}; checked when the configuration is
     * built, with an error naming the entry. True by default; a registry addressed otherwise (by a name, a path)
     * returns false and reads {@link RegistryAddress#hosts()} as plain entries.
     */
    default boolean hostPortEntries() {
        return true;
    }

    /** The address form, for error messages listing what {@code rpc.registry.address} accepts. */
    default String addressForm() {
        return scheme() + (hostPortEntries() ? "://host:port[,host:port...]" : "://...");
    }

    /**
     * A registry for {@code address} (already parsed and checked, its scheme this factory's), with the settings of
     * {@code config}. Called once per client or server that owns a registry; the caller closes what it gets.
     * Throws {@link RegistryException} naming the address when the registry cannot be reached.
     */
    Registry create(RegistryAddress address, RegistryConfig config);
}
