package io.tern.rpc.transport.internal;


import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerLogTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PeerLog log = new PeerLog(now::get);

    @Test
    void aFloodFromOnePeerLogsTheBurstThenOneLineASecondWithTheCountSuppressed() {
        int logged = 0;
        for (int i = 0; i < 100_000; i++) {
            if (log.admit("10.0.0.1:" + (40000 + i % 20000)) != null) {
                logged++;
            }
        }
        assertEquals(PeerLog.BURST, logged, "one address, whatever its ports, gets the burst and no more");
        now.addAndGet(PeerLog.REFILL_NANOS);
        String next = log.admit("10.0.0.1:1");
        assertEquals(" (" + (100_000 - PeerLog.BURST) + " more like this from 10.0.0.1 suppressed)", next);
        assertNull(log.admit("10.0.0.1:2"), "the refill was one line");
        now.addAndGet(10 * PeerLog.REFILL_NANOS);
        int afterTenSeconds = 0;
        for (int i = 0; i < 1000; i++) {
            if (log.admit("10.0.0.1:3") != null) {
                afterTenSeconds++;
            }
        }
        assertEquals(10, afterTenSeconds, "one line a second once the burst is spent");
    }

    @Test
    void otherPeersKeepTheirOwnBudget() {
        for (int i = 0; i < 10_000; i++) {
            log.admit("10.0.0.1:5000");
        }
        assertEquals("", log.admit("10.0.0.2:5000"));
        assertEquals("", log.admit("[::1]:5000".replace("[", "").replace("]", "")));
    }

    @Test
    void theTableOfPeersIsBoundedAndTheRestShareOneBucket() {
        for (int i = 0; i < PeerLog.MAX_PEERS; i++) {
            assertNotNull(log.admit("10.1." + (i / 256) + "." + (i % 256) + ":1"));
        }
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            if (log.admit("10.9." + (i / 256) + "." + (i % 256) + ":1") != null) {
                logged++;
            }
        }
        assertEquals(PeerLog.BURST, logged, "addresses beyond the table share one bucket");
        assertTrue(PeerLog.hostOf("0:0:0:0:0:0:0:1:7070").equals("0:0:0:0:0:0:0:1"));
    }
}
