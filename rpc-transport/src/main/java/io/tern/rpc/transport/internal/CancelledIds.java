package io.tern.rpc.transport.internal;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The request ids a client cancelled on one connection (SPEC §2 CANCEL), kept in a ring of the most recent
 * {@link #CAPACITY}: a flood of CANCELs costs a fixed 1 KiB, and a call looks itself up only after some CANCEL
 * arrived on its connection. The ring is made by the first CANCEL, so the many connections that never send one
 * (idle ones above all) do not carry it (issue 16). Written on the event loop, read by business threads.
 */
final class CancelledIds {
    static final int CAPACITY = 256;

    /** Null until the first CANCEL; written before {@link #count}, so a reader that sees a count sees the ring. */
    private AtomicIntegerArray ids;
    /** CANCELs received; the ring holds the last min(count, CAPACITY). */
    private volatile int count;

    /** Event loop only. */
    void add(int id) {
        int n = count;
        if (ids == null) {
            ids = new AtomicIntegerArray(CAPACITY);
        }
        ids.set(n & (CAPACITY - 1), id);
        count = n + 1;
    }

    /** True once the ring exists (event loop, or a test). */
    boolean hasRing() {
        return ids != null;
    }

    boolean contains(int id) {
        int n = count;
        if (n == 0) {
            return false; // the common case: one volatile read
        }
        AtomicIntegerArray ids = this.ids; // set before count was written
        for (int i = Math.max(0, n - CAPACITY); i < n; i++) {
            if (ids.get(i & (CAPACITY - 1)) == id) {
                return true;
            }
        }
        return false;
    }
}
