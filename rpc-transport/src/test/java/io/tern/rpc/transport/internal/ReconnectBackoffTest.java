package io.tern.rpc.transport.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reconnect schedule with the jitter's random number injected. */
class ReconnectBackoffTest {

    private static List<Long> delays(ReconnectBackoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.nextDelayMillis());
        }
        return out;
    }

    @Test
    void delaysDoubleFromTheMinimumUpToTheMaximum() {
        ReconnectBackoff b = new ReconnectBackoff(50, 1_000, () -> 0.0);
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1_000L, 1_000L), delays(b, 7));
    }

    @Test
    void jitterAddsUpToAFifthOfTheDelay() {
        ReconnectBackoff most = new ReconnectBackoff(100, 400, () -> 0.999_999);
        assertEquals(List.of(119L, 239L, 479L, 479L), delays(most, 4));
        ReconnectBackoff half = new ReconnectBackoff(100, 400, () -> 0.5);
        assertEquals(List.of(110L, 220L, 440L), delays(half, 3));
    }

    @Test
    void aSuccessfulConnectStartsTheScheduleOver() {
        ReconnectBackoff b = new ReconnectBackoff(50, 5_000, () -> 0.0);
        delays(b, 5);
        b.reset();
        assertEquals(List.of(50L, 100L), delays(b, 2));
    }

    @Test
    void equalMinimumAndMaximumGiveAFixedDelay() {
        ReconnectBackoff b = new ReconnectBackoff(5_000, 5_000, () -> 0.0);
        assertEquals(List.of(5_000L, 5_000L, 5_000L), delays(b, 3));
    }
}
