package io.tern.rpc.transport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The calls a connection has sent and not yet seen answered: found by request id in a table of sequential-id slots, and expired by a hashed timing
 * wheel whose buckets are intrusive lists of the calls themselves. Confined to the connection's event loop, so
 * there is no locking, no timer thread and no per-call timer object; the loop ticks the wheel only while calls
 * are pending. A call expires between one and two ticks after its deadline.
 */
final class PendingCalls {
    static final long TICK_NANOS = 5_000_000L;
    private static final int BUCKETS = 1024; // 5.12 s per turn; later deadlines wait in their bucket for more turns
    private static final int MASK = BUCKETS - 1;

    /**
     * Calls by request id: slot {@code id & (length - 1)}, chained through {@link PendingCall#nextInSlot}. Ids are
     * sequential per connection, so the calls in flight fill distinct slots and a chain is almost always one call
     * long. (Netty's IntObjectHashMap hashes an int to itself and probes linearly, so sequential ids form one long
     * cluster that every removal shifts: 7% of the consumer's CPU in a profile at 128 calls in flight.)
     */
    private PendingCall[] slots;
    private int count;
    /**
     * The wheel (4 KiB) and the slots are made by the first call: a consumer holds a connection to every provider
     * of its services, and one that never carries a call should cost no more than its channel (issue 16).
     */
    private PendingCall[] buckets;
    /** The last tick whose bucket was swept: every call due at or before it is expired. */
    private long sweptTick;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** True once the first call made the tables. */
    boolean hasTables() {
        return buckets != null;
    }

    private void put(PendingCall call) {
        if (slots == null) {
            slots = new PendingCall[64];
            buckets = new PendingCall[BUCKETS];
        }
        if (count >= slots.length) {
            grow();
        }
        int i = call.id & (slots.length - 1);
        call.nextInSlot = slots[i];
        slots[i] = call;
        count++;
    }

    private void grow() {
        PendingCall[] old = slots;
        slots = new PendingCall[old.length * 2];
        for (PendingCall head : old) {
            for (PendingCall c = head; c != null; ) {
                PendingCall next = c.nextInSlot;
                int i = c.id & (slots.length - 1);
                c.nextInSlot = slots[i];
                slots[i] = c;
                c = next;
            }
        }
    }

    /** Unlinks and returns the call with this id (or, if {@code only} is set, only that call), or null. */
    private PendingCall take(int id, PendingCall only) {
        if (slots == null) {
            return null;
        }
        int i = id & (slots.length - 1);
        PendingCall prev = null;
        for (PendingCall c = slots[i]; c != null; prev = c, c = c.nextInSlot) {
            if (c.id == id && (only == null || c == only)) {
                if (prev == null) {
                    slots[i] = c.nextInSlot;
                } else {
                    prev.nextInSlot = c.nextInSlot;
                }
                c.nextInSlot = null;
                count--;
                return c;
            }
        }
        return null;
    }

    /** Starts the wheel at {@code nowNanos}; call when the first call is added to an empty set. */
    void start(long nowNanos) {
        sweptTick = Math.floorDiv(nowNanos, TICK_NANOS) - 1;
    }

    void add(PendingCall call) {
        put(call);
        long tick = Math.max(Math.floorDiv(call.deadlineNanos, TICK_NANOS), sweptTick + 1);
        int b = (int) (tick & MASK);
        call.bucket = b;
        call.prev = null;
        call.next = buckets[b];
        if (call.next != null) {
            call.next.prev = call;
        }
        buckets[b] = call;
    }

    /** Removes and returns the call with this id, or null. */
    PendingCall remove(int id) {
        PendingCall call = take(id, null);
        if (call != null) {
            unlink(call);
        }
        return call;
    }

    /** Removes this exact call if it is still pending. */
    boolean remove(PendingCall call) {
        if (take(call.id, call) == null) {
            return false;
        }
        unlink(call);
        return true;
    }

    /** Removes every call whose deadline passed by {@code nowNanos} and hands each to {@code expired}. */
    void expire(long nowNanos, Consumer<PendingCall> expired) {
        long lastDue = Math.floorDiv(nowNanos, TICK_NANOS) - 1; // buckets of ticks that ended
        if (lastDue <= sweptTick) {
            return;
        }
        if (buckets == null) {
            sweptTick = lastDue;
            return;
        }
        long from = Math.max(sweptTick + 1, lastDue - MASK); // one full turn visits every bucket
        List<PendingCall> due = null;
        for (long t = from; t <= lastDue; t++) {
            for (PendingCall c = buckets[(int) (t & MASK)]; c != null; c = c.next) {
                if (c.deadlineNanos - nowNanos <= 0 || Math.floorDiv(c.deadlineNanos, TICK_NANOS) <= lastDue) {
                    if (due == null) {
                        due = new ArrayList<>();
                    }
                    due.add(c);
                }
            }
        }
        sweptTick = lastDue;
        if (due != null) {
            for (PendingCall c : due) {
                take(c.id, c);
                unlink(c);
            }
            due.forEach(expired);
        }
    }

    /** Removes every call and returns them. */
    List<PendingCall> clear() {
        List<PendingCall> all = new ArrayList<>(count);
        if (slots == null) {
            return all;
        }
        for (int i = 0; i < slots.length; i++) {
            for (PendingCall c = slots[i]; c != null; ) {
                PendingCall next = c.nextInSlot;
                c.nextInSlot = null;
                c.next = null;
                c.prev = null;
                c.bucket = -1;
                all.add(c);
                c = next;
            }
            slots[i] = null;
        }
        count = 0;
        java.util.Arrays.fill(buckets, null);
        return all;
    }

    private void unlink(PendingCall c) {
        if (c.prev != null) {
            c.prev.next = c.next;
        } else if (c.bucket >= 0 && buckets[c.bucket] == c) {
            buckets[c.bucket] = c.next;
        }
        if (c.next != null) {
            c.next.prev = c.prev;
        }
        c.next = null;
        c.prev = null;
        c.bucket = -1;
    }
}
