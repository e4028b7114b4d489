package io.tern.rpc.transport.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event-loop-confined pending-call table and its timing wheel, driven with explicit clock values. */
class PendingCallsTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000_000_000_000L; // an arbitrary nanoTime origin

    private static PendingCall call(int id, long timeoutMillis, long start) {
        return new PendingCall(null, id, null, timeoutMillis, start);
    }

    private static List<Integer> expire(PendingCalls p, long now) {
        List<Integer> ids = new ArrayList<>();
        p.expire(now, c -> ids.add(c.id));
        return ids;
    }

    @Test
    void callsExpireWithinTwoTicksAfterTheirDeadlineNotBefore() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        p.add(call(1, 100, T0));
        p.add(call(2, 300, T0));
        p.add(call(3, 30, T0));
        assertEquals(List.of(), expire(p, T0 + 29 * MS));
        assertEquals(List.of(3), expire(p, T0 + 30 * MS + 2 * PendingCalls.TICK_NANOS));
        assertEquals(List.of(), expire(p, T0 + 99 * MS));
        assertEquals(List.of(1), expire(p, T0 + 100 * MS + 2 * PendingCalls.TICK_NANOS));
        assertEquals(1, p.size());
        assertEquals(List.of(2), expire(p, T0 + 310 * MS + 2 * PendingCalls.TICK_NANOS));
        assertTrue(p.isEmpty());
    }

    @Test
    void deadlinesBeyondOneTurnOfTheWheelWaitForLaterTurns() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        p.add(call(1, 12_000, T0)); // over two turns of 5.12 s
        for (long t = 100; t < 11_900; t += 100) {
            assertEquals(List.of(), expire(p, T0 + t * MS), "expired early at " + t + " ms");
        }
        assertEquals(List.of(1), expire(p, T0 + 12_020 * MS));
    }

    @Test
    void aLongGapBetweenTicksStillExpiresEverythingDue() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        for (int i = 0; i < 50; i++) {
            p.add(call(i, 10 + i * 200L, T0));
        }
        List<Integer> expired = expire(p, T0 + 60_000 * MS); // a minute without a tick: more than a turn
        assertEquals(50, expired.size());
        assertTrue(p.isEmpty());
    }

    @Test
    void aDeadlineAlreadyPassedWhenAddedExpiresAtTheNextTick() {
        PendingCalls p = new PendingCalls();
        p.start(T0 + 50 * MS);
        p.add(call(7, 10, T0)); // due 40 ms ago
        assertEquals(List.of(7), expire(p, T0 + 50 * MS + 2 * PendingCalls.TICK_NANOS));
    }

    @Test
    void removedCallsNeverExpireAndRemovalIsById() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        PendingCall a = call(1, 50, T0);
        PendingCall b = call(2, 50, T0);
        PendingCall c = call(3, 50, T0);
        p.add(a);
        p.add(b);
        p.add(c);
        assertSame(b, p.remove(2));      // the middle of a bucket's list
        assertNull(p.remove(2));
        assertTrue(p.remove(c));         // the head
        assertFalse(p.remove(c));
        assertFalse(p.remove(call(1, 50, T0)), "another call with the same id is not this one");
        assertEquals(List.of(1), expire(p, T0 + 70 * MS));
        assertTrue(p.isEmpty());
    }

    @Test
    void clearReturnsEveryPendingCall() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        for (int i = 0; i < 10; i++) {
            p.add(call(i, 1000, T0));
        }
        assertEquals(10, p.clear().size());
        assertTrue(p.isEmpty());
        assertEquals(List.of(), expire(p, T0 + 5000 * MS));
    }

    @Test
    void thousandsInFlightWithCollidingAndWrappedIdsAreAllFoundOnce() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        List<PendingCall> calls = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            calls.add(call(Integer.MAX_VALUE - 2500 + i, 1000, T0)); // ids wrap around to negative ones
        }
        for (int i = 0; i < 64; i++) {
            calls.add(call(i * 8192, 1000, T0)); // same slot in every table size up to 8192
        }
        calls.forEach(p::add);
        assertEquals(calls.size(), p.size());
        for (int i = 0; i < calls.size(); i += 3) {
            PendingCall c = calls.get(i);
            assertSame(c, p.remove(c.id), "call " + c.id);
            assertNull(p.remove(c.id));
        }
        for (int i = 0; i < calls.size(); i++) {
            PendingCall c = calls.get(i);
            assertEquals(i % 3 != 0, p.remove(c), "call " + c.id + " still pending exactly when not removed yet");
        }
        assertTrue(p.isEmpty());
    }

    @Test
    void aConnectionWithoutCallsHasNoTablesAndEveryOperationWorksOnIt() {
        PendingCalls p = new PendingCalls();
        p.start(T0);
        assertEquals(List.of(), expire(p, T0 + 10_000 * MS));
        assertNull(p.remove(3));
        assertTrue(p.clear().isEmpty());
        assertFalse(p.hasTables(), "the 4 KiB wheel must wait for the first call");
        p.add(call(1, 100, T0 + 10_000 * MS));
        assertTrue(p.hasTables());
        assertEquals(1, p.size());
        assertEquals(List.of(1), expire(p, T0 + 10_100 * MS + 2 * PendingCalls.TICK_NANOS));
        assertTrue(p.isEmpty());
    }
}
