package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.RpcRequest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The array-backed attachment map: Map semantics, and the wire layout it shares with any other map. */
class AttachmentsTest {

    @Test
    void behavesLikeAMap() {
        Attachments a = new Attachments(1);
        assertNull(a.put("a", "1"));
        assertNull(a.put("b", "2"));
        assertNull(a.put("c", "3")); // grows past the expected size
        assertEquals("1", a.put("a", "one"));
        assertEquals(Map.of("a", "one", "b", "2", "c", "3"), a);
        assertEquals(new HashMap<>(a), a);
        assertEquals(new HashMap<>(a).hashCode(), a.hashCode());
        assertEquals("2", a.remove("b"));
        assertNull(a.remove("b"));
        assertEquals(Map.of("a", "one", "c", "3"), a);
        Iterator<Map.Entry<String, String>> it = a.entrySet().iterator();
        it.next();
        it.remove();
        assertEquals(Map.of("c", "3"), a);
        a.clear();
        assertTrue(a.isEmpty());
    }

    @Test
    void ofCallCarriesDeadlineAttemptAndTheNoRetryMark() {
        assertEquals(Map.of(RpcRequest.DEADLINE_MS, "2999", RpcRequest.ATTEMPT, "0"), Attachments.ofCall(2999, 0, false));
        assertEquals(Map.of(RpcRequest.DEADLINE_MS, "5", RpcRequest.ATTEMPT, "12", RpcRequest.NO_RETRY, "1"),
                Attachments.ofCall(5, 12, true));
        Attachments copy = Attachments.copyOf(Attachments.ofCall(1, 0, false));
        copy.put(RpcRequest.ATTEMPT, "1");
        assertEquals("1", copy.get(RpcRequest.ATTEMPT));
    }

    @Test
    void encodesLikeAnyOtherMapAndDecodesWellKnownKeysToSharedStrings() {
        Map<String, String> plain = new LinkedHashMap<>();
        plain.put(RpcRequest.DEADLINE_MS, "2999");
        plain.put(RpcRequest.ATTEMPT, "3");
        plain.put("trace-id", "äöü-日本");
        plain.put("absent", null);
        Attachments compact = Attachments.copyOf(plain);
        ByteBuf x = Unpooled.buffer();
        ByteBuf y = Unpooled.buffer();
        try {
            AttachmentsCodec.write(x, plain);
            AttachmentsCodec.write(y, compact);
            assertEquals(x, y, "the same bytes whatever the map type");
            Map<String, String> back = AttachmentsCodec.read(y);
            assertEquals(plain, back);
            assertFalse(y.isReadable());
            String key = back.keySet().stream().filter(RpcRequest.DEADLINE_MS::equals).findFirst().orElseThrow();
            assertSame(RpcRequest.DEADLINE_MS, key, "a well-known key decodes to the shared constant");
            assertSame("3", back.get(RpcRequest.ATTEMPT).intern());
        } finally {
            x.release();
            y.release();
        }
    }

    @Test
    void theDeadlineTravelsAsANumberAndReadsBackAsAString() {
        Attachments call = Attachments.ofCall(1234567, 0, false);
        ByteBuf buf = Unpooled.buffer();
        try {
            AttachmentsCodec.write(buf, call);
            ByteBuf plain = Unpooled.buffer();
            AttachmentsCodec.write(plain, new LinkedHashMap<>(Map.of(RpcRequest.DEADLINE_MS, "1234567", RpcRequest.ATTEMPT, "0")));
            Attachments back = (Attachments) AttachmentsCodec.read(buf);
            assertEquals(1234567, back.deadlineMillis());
            assertEquals("1234567", back.get(RpcRequest.DEADLINE_MS));
            assertEquals(Map.of(RpcRequest.DEADLINE_MS, "1234567", RpcRequest.ATTEMPT, "0"), back);
            Map<String, String> other = AttachmentsCodec.read(plain);
            assertEquals(back, other, "the same map whichever way the deadline was written");
            plain.release();
        } finally {
            buf.release();
        }
        assertEquals(0, Attachments.copyOf(Map.of(RpcRequest.DEADLINE_MS, "-5")).deadlineMillis(), "a negative deadline has passed");
        assertEquals(-1, Attachments.copyOf(Map.of(RpcRequest.DEADLINE_MS, "soon")).deadlineMillis());
        assertEquals(-1, new Attachments(1).deadlineMillis());
        Attachments changed = Attachments.ofCall(10, 0, false);
        assertEquals("10", changed.put(RpcRequest.DEADLINE_MS, "20"));
        assertEquals(20, changed.deadlineMillis());
    }

    @Test
    void aDeadlineThatIsNotAPlainNumberStaysAString() {
        for (String odd : new String[]{"", "12a", "-3", "1234567890123456789012"}) {
            ByteBuf buf = Unpooled.buffer();
            try {
                AttachmentsCodec.write(buf, Map.of(RpcRequest.DEADLINE_MS, odd));
                assertEquals(Map.of(RpcRequest.DEADLINE_MS, odd), AttachmentsCodec.read(buf), odd);
                assertFalse(buf.isReadable());
            } finally {
                buf.release();
            }
        }
    }
}
