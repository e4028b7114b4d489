package io.tern.rpc.cluster;

/** A parsed {@code host:port}. */
record HostPort(String host, int port) {

    public static HostPort parse(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing: give host:port, e.g. 127.0.0.1:7070");
        }
        String v = value.trim();
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new IllegalArgumentException(what + " '" + value + "' is not host:port, e.g. 127.0.0.1:7070");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' has a port that is not a number", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " '" + value + "' has port " + port + " outside 1..65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
