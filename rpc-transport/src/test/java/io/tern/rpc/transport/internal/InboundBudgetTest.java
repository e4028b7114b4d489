package io.tern.rpc.transport.internal;


import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundBudgetTest {
    @Test
    void aPeerHoldsAtMostItsShareAndTheServerAtMostItsBudget() {
        InboundBudget budget = new InboundBudget(100, 40, 10);
        InboundBudget.Share a1 = budget.open("a");
        InboundBudget.Share a2 = budget.open("a");
        assertTrue(a1.reserve(30));
        assertFalse(a2.reserve(11), "peer a would hold 41 of its 40");
        assertTrue(a2.reserve(10));
        InboundBudget.Share b = budget.open("b");
        InboundBudget.Share c = budget.open("c");
        assertTrue(b.reserve(40));
        assertFalse(c.reserve(21), "the server would hold 101 of its 100");
        assertTrue(c.reserve(20));
        assertEquals(100, budget.used());
        a1.close();
        assertEquals(70, budget.used(), "a closed connection gives back what it held");
        assertTrue(c.reserve(30) == false && b.reserve(0));
        c.release(20);
        c.release(20); // more than held: nothing more is given back
        assertEquals(50, budget.used());
    }

    @Test
    void connectionsPerPeerAreLimitedAndComeBackOnClose() {
        InboundBudget budget = new InboundBudget(100, 100, 2);
        InboundBudget.Share s1 = budget.open("a");
        InboundBudget.Share s2 = budget.open("a");
        assertNull(budget.open("a"));
        assertNotNull(budget.open("b"));
        s1.close();
        s1.close(); // twice: counted once
        assertEquals(1, budget.connections("a"));
        assertNotNull(budget.open("a"));
        s2.close();
    }
}
