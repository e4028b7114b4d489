package io.tern.rpc.transport;

import io.netty.util.collection.IntObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The calls a connection has sent and not yet seen answered: found by request id, and expired by a hashed timing
 * wheel whose buckets are intrusive lists of the calls themselves. Confined to the connection's event loop, so
 * there is no locking, no timer thread and no per-call timer object; the loop ticks the wheel only while calls
 * are pending. A call expires between one and two ticks after its deadline.
 */
final class PendingCalls {
    static final long TICK_NANOS = 5_000_000L;
    private static final int BUCKETS = 1024; // 5.12 s per turn; later deadlines wait in their bucket for more turns
    private static final int MASK = BUCKETS - 1;

    private final IntObjectHashMap<PendingCall> byId = new IntObjectHashMap<>();
    private final PendingCall[] buckets = new PendingCall[BUCKETS];
    /** The last tick whose bucket was swept: every call due at or before it is expired. */
    private long sweptTick;

    int size() {
        return byId.size();
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Starts the wheel at {@code nowNanos}; call when the first call is added to an empty set. */
    void start(long nowNanos) {
        sweptTick = Math.floorDiv(nowNanos, TICK_NANOS) - 1;
    }

    void add(PendingCall call) {
        byId.put(call.id, call);
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
        PendingCall call = byId.remove(id);
        if (call != null) {
            unlink(call);
        }
        return call;
    }

    /** Removes this exact call if it is still pending. */
    boolean remove(PendingCall call) {
        if (byId.get(call.id) != call) {
            return false;
        }
        byId.remove(call.id);
        unlink(call);
        return true;
    }

    /** Removes every call whose deadline passed by {@code nowNanos} and hands each to {@code expired}. */
    void expire(long nowNanos, Consumer<PendingCall> expired) {
        long lastDue = Math.floorDiv(nowNanos, TICK_NANOS) - 1; // buckets of ticks that ended
        if (lastDue <= sweptTick) {
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
                byId.remove(c.id);
                unlink(c);
            }
            due.forEach(expired);
        }
    }

    /** Removes every call and returns them. */
    List<PendingCall> clear() {
        List<PendingCall> all = new ArrayList<>(byId.values());
        byId.clear();
        java.util.Arrays.fill(buckets, null);
        for (PendingCall c : all) {
            c.next = null;
            c.prev = null;
            c.bucket = -1;
        }
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
