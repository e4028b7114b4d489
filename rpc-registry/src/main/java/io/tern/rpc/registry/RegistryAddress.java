package io.tern.rpc.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed registry address {@code scheme://entry[,entry…]}: {@code zookeeper://host:port[,host:port…]},
 * {@code direct://host:port[,…]}, or the scheme of a {@link RegistryFactory} found on the class path. The entries are
 * {@code host:port} unless that factory says otherwise ({@link RegistryFactory#hostPortEntries()}).
 */
public record RegistryAddress(String scheme, List<String> hosts) {
    public static final String ZOOKEEPER = "zookeeper";
    public static final String DIRECT = "direct";

    /** Parses and checks an address; the error names the problem, the accepted forms and the property. */
    public static RegistryAddress parse(String address) {
        Map<String, RegistryFactory> factories = RegistryFactories.all();
        String hint = hint(factories);
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("registry address is empty" + hint);
        }
        String a = address.trim();
        int sep = a.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("registry address '" + address + "' has no scheme" + hint);
        }
        String scheme = a.substring(0, sep);
        RegistryFactory factory = factories.get(scheme);
        if (factory == null) {
            throw new IllegalArgumentException("registry address '" + address + "' has unknown scheme '" + scheme + "' (known: "
                    + String.join(", ", factories.keySet()) + ")" + hint + "; " + RegistryFactories.HOW_TO_ADD);
        }
        String rest = a.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        List<String> hosts = new ArrayList<>();
        for (String part : rest.split(",")) {
            String entry = part.trim();
            if (factory.hostPortEntries()) {
                checkHostPort(address, entry, hint);
            } else if (entry.isEmpty()) {
                throw new IllegalArgumentException("registry address '" + address + "' has an empty entry" + hint);
            }
            hosts.add(entry);
        }
        return new RegistryAddress(scheme, List.copyOf(hosts));
    }

    private static void checkHostPort(String address, String hp, String hint) {
        int colon = hp.lastIndexOf(':');
        if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1) {
            throw new IllegalArgumentException("registry address '" + address + "' has '" + hp + "', which is not host:port" + hint);
        }
        int port;
        try {
            port = Integer.parseInt(hp.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("registry address '" + address + "' has a non-numeric port in '" + hp + "'" + hint, e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("registry address '" + address + "' has port " + port + " outside 1..65535" + hint);
        }
    }

    /** "; expected a, b or c (rpc.registry.address)", listing the form of every known scheme. */
    private static String hint(Map<String, RegistryFactory> factories) {
        List<String> forms = new ArrayList<>();
        for (RegistryFactory f : factories.values()) {
            forms.add(f.addressForm());
        }
        String last = forms.remove(forms.size() - 1);
        return "; expected " + (forms.isEmpty() ? last : String.join(", ", forms) + " or " + last) + " (rpc.registry.address)";
    }

    public String connectString() {
        return String.join(",", hosts);
    }

    @Override
    public String toString() {
        return scheme + "://" + connectString();
    }
}
