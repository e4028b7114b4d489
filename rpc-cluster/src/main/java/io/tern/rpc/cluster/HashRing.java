package io.tern.rpc.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Ketama ring of one consistent-hash balancer: each endpoint owns {@value #VIRTUAL_NODES} points (MD5 of
 * {@code address-i}); a key goes to the first point at or after its own ({@link #pointOf}). The ring is built once per
 * provider list and reused by every call; looking a point up allocates nothing.
 */
final class HashRing {
    static final int VIRTUAL_NODES = 160;
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(HashRing::newMd5);

    private final AtomicInteger builds = new AtomicInteger();
    private volatile Points points;

    /** The endpoints and their points, sorted by point; immutable once built. */
    private record Points(List<Endpoint> members, long[] points, Endpoint[] owners) {
        /** Index of the first point at or after {@code point}, wrapping around. */
        int indexOf(long point) {
            int i = Arrays.binarySearch(points, point);
            if (i < 0) {
                i = -i - 1;
            }
            return i == points.length ? 0 : i;
        }

        boolean isFor(List<Endpoint> candidates) {
            int n = members.size();
            if (candidates.size() != n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (members.get(i) != candidates.get(i) && !members.contains(candidates.get(i))) {
                    return false; // a new endpoint (a provider joined, or its registry data changed)
                }
            }
            return true;
        }
    }

    /** The position on the ring of a key's text. */
    static long pointOf(String keyText) {
        return pointOf(md5(keyText), 0);
    }

    /**
     * The owner of {@code point} on the ring of {@code available}, or, past the providers already {@code tried}, the
     * next one clockwise: where the key would go if they had left. Every provider tried: the key's own again.
     */
    Endpoint select(List<Endpoint> available, long point, List<Endpoint> tried) {
        Points r = pointsFor(available);
        int start = r.indexOf(point);
        Endpoint[] owners = r.owners();
        if (tried.isEmpty()) {
            return owners[start];
        }
        int n = owners.length;
        for (int step = 1; step < n; step++) {
            Endpoint e = owners[(start + step) % n];
            if (!tried.contains(e)) {
                return e;
            }
        }
        return owners[start];
    }

    /** How many rings were built (once per change of the provider list). */
    int builds() {
        return builds.get();
    }

    private Points pointsFor(List<Endpoint> available) {
        Points r = points;
        if (r == null || !r.isFor(available)) {
            r = build(available);
            points = r; // no lock: a racing build may win, and a call its list does not match builds again
        }
        return r;
    }

    private Points build(List<Endpoint> candidates) {
        builds.incrementAndGet();
        int n = candidates.size() * VIRTUAL_NODES;
        long[] keys = new long[n];
        Endpoint[] byIndex = new Endpoint[n];
        Integer[] order = new Integer[n];
        int k = 0;
        for (Endpoint e : candidates) {
            for (int i = 0; i < VIRTUAL_NODES / 4; i++) {
                byte[] d = md5(e.address() + "-" + i);
                for (int part = 0; part < 4; part++) {
                    keys[k] = pointOf(d, part);
                    byIndex[k] = e;
                    order[k] = k;
                    k++;
                }
            }
        }
        // a point two endpoints share goes to the lower address, whatever the order of the list
        Arrays.sort(order, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : byIndex[a].address().compareTo(byIndex[b].address()));
        long[] points = new long[n];
        Endpoint[] owners = new Endpoint[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int idx = order[i];
            if (m > 0 && points[m - 1] == keys[idx]) {
                continue;
            }
            points[m] = keys[idx];
            owners[m] = byIndex[idx];
            m++;
        }
        return new Points(List.copyOf(candidates), Arrays.copyOf(points, m), Arrays.copyOf(owners, m));
    }

    private static long pointOf(byte[] d, int k) {
        return ((long) (d[3 + k * 4] & 0xFF) << 24) | ((long) (d[2 + k * 4] & 0xFF) << 16)
                | ((long) (d[1 + k * 4] & 0xFF) << 8) | (d[k * 4] & 0xFF);
    }

    private static byte[] md5(String s) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        return md5.digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JDK", e);
        }
    }
}
