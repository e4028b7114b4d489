package io.tern.rpc.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Ketama consistent hashing: each endpoint owns {@value #VIRTUAL_NODES} points on a ring (MD5 of
 * {@code address-i}); a call goes to the first point at or after the hash of its chosen arguments. When an
 * endpoint leaves, only the keys it owned (about 1/N) move. Weights are not used: a key must map to one provider.
 */
public final class ConsistentHashLoadBalancer implements LoadBalancer {
    static final int VIRTUAL_NODES = 160;

    private final int[] argumentIndexes;
    private volatile Ring ring;

    /** @param argumentIndexes which arguments form the key (default: the first). */
    public ConsistentHashLoadBalancer(int... argumentIndexes) {
        this.argumentIndexes = argumentIndexes.length == 0 ? new int[]{0} : argumentIndexes.clone();
    }

    private record Ring(List<String> addresses, TreeMap<Long, Endpoint> points) {
    }

    @Override
    public Endpoint select(List<Endpoint> candidates, Invocation invocation) {
        Ring r = ring;
        List<String> addresses = candidates.stream().map(Endpoint::address).sorted().toList();
        if (r == null || !r.addresses().equals(addresses)) {
            r = build(candidates, addresses);
            ring = r;
        }
        long hash = hash(key(invocation.request().arguments()));
        Map.Entry<Long, Endpoint> e = r.points().ceilingEntry(hash);
        return (e != null ? e : r.points().firstEntry()).getValue();
    }

    private String key(Object[] args) {
        StringBuilder sb = new StringBuilder();
        for (int i : argumentIndexes) {
            if (i < args.length) {
                Object a = args[i];
                sb.append(a instanceof Object[] arr ? Arrays.deepToString(arr) : Objects.toString(a)).append('\u0000');
            }
        }
        return sb.toString();
    }

    private static Ring build(List<Endpoint> candidates, List<String> addresses) {
        TreeMap<Long, Endpoint> points = new TreeMap<>();
        for (Endpoint e : candidates) {
            for (int i = 0; i < VIRTUAL_NODES / 4; i++) {
                byte[] d = md5(e.address() + "-" + i);
                for (int k = 0; k < 4; k++) {
                    points.put(pointOf(d, k), e);
                }
            }
        }
        return new Ring(addresses, points);
    }

    static long hash(String key) {
        return pointOf(md5(key), 0);
    }

    private static long pointOf(byte[] d, int k) {
        return ((long) (d[3 + k * 4] & 0xFF) << 24) | ((long) (d[2 + k * 4] & 0xFF) << 16)
                | ((long) (d[1 + k * 4] & 0xFF) << 8) | (d[k * 4] & 0xFF);
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every JDK", e);
        }
    }
}
