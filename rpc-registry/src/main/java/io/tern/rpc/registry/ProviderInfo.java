package io.tern.rpc.registry;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One provider of one service as the registry holds it: the node name {@code host:port} and the node data
 * (SPEC §3): {@code key=value} pairs joined by {@code &}, values URL-encoded, always with {@code weight},
 * {@code serialization}, {@code timestamp}, {@code version} and {@code group}.
 */
public record ProviderInfo(String serviceKey, String host, int port, int weight, String serialization, long timestamp,
                           String version, String group, Map<String, String> params) {
    public static final int DEFAULT_WEIGHT = 100;

    public ProviderInfo {
        Objects.requireNonNull(serviceKey, "serviceKey");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("provider port must be 1..65535, was " + port);
        }
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            throw new IllegalArgumentException("provider address " + host + " is not reachable: advertise a real address (rpc.server.advertised-host)");
        }
        if (weight < 0) {
            throw new IllegalArgumentException("provider weight must be >= 0, was " + weight);
        }
        serialization = serialization == null ? "" : serialization;
        version = version == null ? "" : version;
        group = group == null ? "" : group;
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** The node name: {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    /** Node data per SPEC §3. Extra params follow the required keys. */
    public String toNodeData() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("weight", Integer.toString(weight));
        all.put("serialization", serialization);
        all.put("timestamp", Long.toString(timestamp));
        all.put("version", version);
        all.put("group", group);
        params.forEach(all::putIfAbsent);
        StringBuilder sb = new StringBuilder();
        all.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    /** Parses a node name ({@code host:port}) and its data; missing keys take their defaults. */
    public static ProviderInfo fromNode(String serviceKey, String nodeName, String data) {
        int colon = nodeName.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("provider node name '" + nodeName + "' is not host:port");
        }
        String host = nodeName.substring(0, colon);
        int port = Integer.parseInt(nodeName.substring(colon + 1));
        Map<String, String> kv = new LinkedHashMap<>();
        if (data != null && !data.isEmpty()) {
            for (String pair : data.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                kv.put(k, v);
            }
        }
        int weight = parseInt(kv.remove("weight"), DEFAULT_WEIGHT);
        long timestamp = parseLong(kv.remove("timestamp"));
        return new ProviderInfo(serviceKey, host, port, weight, kv.remove("serialization"), timestamp, kv.remove("version"),
                kv.remove("group"), kv);
    }

    private static int parseInt(String s, int dflt) {
        try {
            return s == null || s.isEmpty() ? dflt : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null || s.isEmpty() ? 0L : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0L;
        }
    }
}
