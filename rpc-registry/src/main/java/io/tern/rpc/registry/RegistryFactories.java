package io.tern.rpc.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The {@link RegistryFactory}s by scheme: the built-ins (zookeeper, direct), then those {@link ServiceLoader} finds
 * through {@code META-INF/services/io.tern.rpc.registry.RegistryFactory}, sorted by scheme. Discovered on first use;
 * a failed discovery (two factories for one scheme, a factory that cannot load) is not remembered, so every later
 * attempt fails with the same message instead of a bare class-initialisation error.
 */
final class RegistryFactories {
    private static final Logger log = LoggerFactory.getLogger(RegistryFactories.class);

    /** How a scheme that is not known yet becomes known, for error messages. */
    static final String HOW_TO_ADD = "another registry plugs in as an implementation of " + RegistryFactory.class.getName()
            + " for its scheme, listed in META-INF/services/" + RegistryFactory.class.getName() + " on the class path";

    // RFC 3986 scheme syntax, lower case only: addresses are matched case-sensitively
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

    private static volatile Map<String, RegistryFactory> byScheme;

    private RegistryFactories() {
    }

    /** Every known factory by scheme, built-ins first. */
    static Map<String, RegistryFactory> all() {
        Map<String, RegistryFactory> known = byScheme;
        if (known == null) {
            // two threads may both discover: the same result, and only configuration code gets here
            known = index(withDiscovered());
            byScheme = known;
        }
        return known;
    }

    /**
     * Indexes {@code factories} by scheme, keeping their order; refuses a malformed scheme and a scheme claimed twice,
     * naming both classes.
     */
    static Map<String, RegistryFactory> index(List<RegistryFactory> factories) {
        Map<String, RegistryFactory> indexed = new LinkedHashMap<>();
        for (RegistryFactory factory : factories) {
            String scheme = factory.scheme();
            if (scheme == null || !SCHEME.matcher(scheme).matches()) {
                throw new IllegalStateException("registry factory " + factory.getClass().getName() + " has scheme '" + scheme
                        + "': a scheme is lower-case letters, digits, '+', '-' or '.', starting with a letter");
            }
            RegistryFactory clash = indexed.putIfAbsent(scheme, factory);
            if (clash != null) {
                throw new IllegalStateException("registry scheme '" + scheme + "' is claimed by both " + clash.getClass().getName()
                        + " and " + factory.getClass().getName() + ": remove one of them from the class path (or from its"
                        + " META-INF/services/" + RegistryFactory.class.getName() + ")");
            }
        }
        return Collections.unmodifiableMap(indexed);
    }

    private static List<RegistryFactory> withDiscovered() {
        List<RegistryFactory> factories = new ArrayList<>(List.of(new ZooKeeperRegistryFactory(), new DirectRegistryFactory()));
        List<RegistryFactory> discovered = new ArrayList<>();
        try {
            for (RegistryFactory factory : ServiceLoader.load(RegistryFactory.class, RegistryFactory.class.getClassLoader())) {
                discovered.add(factory);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a registry factory listed in META-INF/services/" + RegistryFactory.class.getName()
                    + " could not be loaded: " + e.getMessage(), e);
        }
        discovered.sort((a, b) -> String.valueOf(a.scheme()).compareTo(String.valueOf(b.scheme())));
        for (RegistryFactory factory : discovered) {
            log.info("Registry scheme '{}' is served by {}", factory.scheme(), factory.getClass().getName());
        }
        factories.addAll(discovered);
        return factories;
    }
}
