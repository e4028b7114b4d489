package io.tern.rpc.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Chooses the address a provider registers: the configured one if set; else the bind host if it is a concrete
 * address; else the first IPv4 address of an up, non-loopback, non-virtual interface (site-local preferred over
 * others); else loopback. Never a wildcard address.
 */
public final class AdvertisedAddress {
    /** What detection needs to know of one interface (so it can be tested on a supplied list). */
    public record Interface(String name, boolean up, boolean loopback, boolean virtual, List<InetAddress> addresses) {
    }

    private AdvertisedAddress() {
    }

    public static String choose(String configured, String bindHost, List<Interface> interfaces) {
        if (configured != null && !configured.isBlank()) {
            String c = configured.trim();
            if (isWildcard(c)) {
                throw new IllegalArgumentException("rpc.server.advertised-host '" + c + "' is a wildcard address; give an address consumers can reach");
            }
            return c;
        }
        if (bindHost != null && !bindHost.isBlank() && !isWildcard(bindHost.trim())) {
            return bindHost.trim();
        }
        String fallback = null;
        for (Interface i : interfaces) {
            if (!i.up() || i.loopback() || i.virtual()) {
                continue;
            }
            for (InetAddress a : i.addresses()) {
                if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
                    continue;
                }
                if (a.isSiteLocalAddress()) {
                    return a.getHostAddress();
                }
                if (fallback == null) {
                    fallback = a.getHostAddress();
                }
            }
        }
        return fallback != null ? fallback : "127.0.0.1";
    }

    /** This machine's interfaces, for {@link #choose}. */
    public static List<Interface> localInterfaces() {
        List<Interface> result = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                result.add(new Interface(ni.getName(), ni.isUp(), ni.isLoopback(), ni.isVirtual(), Collections.list(ni.getInetAddresses())));
            }
        } catch (SocketException e) {
            return List.of();
        }
        return result;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }
}
