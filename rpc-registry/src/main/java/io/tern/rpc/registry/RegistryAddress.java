package io.tern.rpc.registry;

import java.util.ArrayList;
import java.util.List;

/** A parsed registry address: {@code zookeeper://host:port[,host:port…]} or {@code direct://host:port[,…]}. */
public record RegistryAddress(String scheme, List<String> hosts) {
    public static final String ZOOKEEPER = "zookeeper";
    public static final String DIRECT = "direct";

    public static RegistryAddress parse(String address) {
        String hint = "; expected zookeeper://host:port[,host:port...] or direct://host:port[,host:port...] (rpc.registry.address)";
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("registry address is empty" + hint);
        }
        String a = address.trim();
        int sep = a.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("registry address '" + address + "' has no scheme" + hint);
        }
        String scheme = a.substring(0, sep);
        if (!scheme.equals(ZOOKEEPER) && !scheme.equals(DIRECT)) {
            throw new IllegalArgumentException("registry address '" + address + "' has unknown scheme '" + scheme + "'" + hint);
        }
        String rest = a.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        List<String> hosts = new ArrayList<>();
        for (String part : rest.split(",")) {
            String hp = part.trim();
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
            hosts.add(hp);
        }
        return new RegistryAddress(scheme, List.copyOf(hosts));
    }

    public String connectString() {
        return String.join(",", hosts);
    }

    @Override
    public String toString() {
        return scheme + "://" + connectString();
    }
}
