package io.tern.rpc.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean": the known property names closest to an unknown one. First a name with the same letters
 * ({@code rpc.consumer.load.balance}, from {@code RPC_CONSUMER_LOAD_BALANCE}: Boot reads an environment variable's
 * every {@code _} as a dot). Else compared without dashes and case (the forms Boot's relaxed binding treats as equal),
 * by edit distance counting a swap of two neighbours as one edit; failing
 * that, names with the same last part in another section ({@code rpc.port}: {@code rpc.server.port}), or names the
 * unknown one begins ({@code rpc.consumer.retry-budget}: both retry-budget properties). At most three.
 */
final class PropertySuggestions {
    private static final int MAX = 3;

    private final List<String> known;

    PropertySuggestions(Collection<String> known) {
        this.known = List.copyOf(known);
    }

    /** The suggestions for {@code unknown} (a name in Boot's canonical form), best first; empty if none is close. */
    List<String> closest(String unknown) {
        String u = uniform(unknown);
        // an environment variable with '_' for '-' (RPC_CONSUMER_LOAD_BALANCE): the same letters, more sections
        List<String> sameLetters = known.stream().filter(k -> flat(k).equals(flat(u))).toList();
        if (!sameLetters.isEmpty()) {
            return sameLetters;
        }
        String leaf = u.substring(u.lastIndexOf('.') + 1);
        int allowed = leaf.length() <= 4 ? 1 : leaf.length() <= 10 ? 2 : 3;
        List<String> near = new ArrayList<>();
        int best = allowed + 1;
        for (String k : known) {
            int d = distance(u, uniform(k));
            if (d < best) {
                best = d;
                near.clear();
            }
            if (d == best) {
                near.add(k);
            }
        }
        if (near.isEmpty()) {
            for (String k : known) {
                String ku = uniform(k);
                if (ku.endsWith("." + leaf) || ku.startsWith(u)) {
                    near.add(k);
                }
            }
            near.sort(Comparator.comparingInt(k -> distance(u, uniform(k))));
        }
        return near.size() > MAX ? near.subList(0, MAX) : near;
    }

    /** "a", "a or b", "a, b or c". */
    static String either(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static String flat(String name) {
        return uniform(name).replace(".", "");
    }

    private static String uniform(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
