package io.tern.rpc.transport.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring of cancelled request ids: made by the first CANCEL only, and holding the most recent ones. */
class CancelledIdsTest {

    @Test
    void aConnectionWithoutCancelsHasNoRingAndNothingCancelled() {
        CancelledIds ids = new CancelledIds();
        assertFalse(ids.contains(0));
        assertFalse(ids.contains(7));
        assertFalse(ids.hasRing(), "the 1 KiB ring must wait for the first CANCEL");
    }

    @Test
    void theFirstCancelMakesTheRingAndTheMostRecentOnesAreKept() {
        CancelledIds ids = new CancelledIds();
        ids.add(5);
        assertTrue(ids.hasRing());
        assertTrue(ids.contains(5));
        assertFalse(ids.contains(6));
        for (int id = 100; id < 100 + CancelledIds.CAPACITY; id++) {
            ids.add(id);
        }
        assertFalse(ids.contains(5), "pushed out by CAPACITY later CANCELs");
        assertTrue(ids.contains(100));
        assertTrue(ids.contains(99 + CancelledIds.CAPACITY));
    }
}
