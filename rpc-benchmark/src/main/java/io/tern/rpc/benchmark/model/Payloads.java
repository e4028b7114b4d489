package io.tern.rpc.benchmark.model;

import java.util.ArrayList;
import java.util.List;

/** The fixed payloads every benchmark sends, so the micro and end-to-end numbers describe the same bytes. */
public final class Payloads {
    /** The argument of {@code echo(String)}. */
    public static final String ECHO_STRING = "hello, tern rpc! 0123456789abcdef";

    private Payloads() {
    }

    /** About 150 bytes with Protostuff. */
    public static SmallPojo small() {
        return small(1234567890L);
    }

    static SmallPojo small(long id) {
        return new SmallPojo(id, 42, 1999.95, true, 1_717_171_717_171L, "Ada Lovelace", "ada.lovelace@example.com",
                "12 St James's Square", "London", "United Kingdom", List.of("mathematics", "engines", "poetry", "science"));
    }

    /** A {@link BlobPojo} whose {@code byte[]} has {@code bytes} bytes (pseudo-random, fixed seed: gzip gains little). */
    public static BlobPojo blob(int bytes) {
        byte[] data = new byte[bytes];
        new java.util.Random(bytes).nextBytes(data);
        return new BlobPojo(4242L, "blob-" + bytes, data);
    }

    /** A {@link RowsPojo} of about {@code bytes} bytes with Protostuff: one 150-byte {@link SmallPojo} row per 150 bytes. */
    public static RowsPojo rows(int bytes) {
        List<SmallPojo> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(1, bytes / 150); i++) {
            rows.add(small(2_000_000_000L + i));
        }
        return new RowsPojo(4343L, rows);
    }

    /** About 4 KB with Protostuff: a description, a score array and 22 small POJOs. */
    public static LargePojo large() {
        StringBuilder description = new StringBuilder();
        while (description.length() < 560) {
            description.append("The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves. ");
        }
        int[] scores = new int[32];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i * 37 % 101;
        }
        List<SmallPojo> items = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            items.add(small(1_000_000_000L + i));
        }
        return new LargePojo(987654321L, "Notes on the Analytical Engine", description.substring(0, 560), scores, items);
    }
}
