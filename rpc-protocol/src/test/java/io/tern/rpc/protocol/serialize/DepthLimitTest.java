package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deep nesting is refused by a depth limit, not by a StackOverflowError: one can strike inside a class initialiser
 * and poison that class for the JVM's life, so it must never be the defence.
 */
class DepthLimitTest {
    public static final class Node {
        public Node next;
        public int value;
    }

    public record Link(int value, Link next) {
    }

    private static Node chain(int depth) {
        Node head = null;
        for (int i = 0; i < depth; i++) {
            Node n = new Node();
            n.value = i;
            n.next = head;
            head = n;
        }
        return head;
    }

    private static byte[] encode(ValueCodec codec, Object value) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        try {
            codec.write(buf, value);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** Decodes on a thread with a small stack, inside an open budget; returns the value or what was thrown. */
    private static Object decodeOnSmallStack(ValueCodec codec, byte[] bytes) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            long previous = DecodeBudget.open(bytes.length);
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            try {
                outcome.set(codec.read(in));
            } catch (Throwable e) {
                outcome.set(e);
            } finally {
                in.release();
                DecodeBudget.close(previous);
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join(30_000);
        return outcome.get();
    }

    @Test
    void aPojoChainDeeperThanTheLimitIsRefusedAndOneWithinItDecodes() throws Exception {
        ValueCodec codec = Serializers.protostuff().codecFor(Node.class);
        Object deep = decodeOnSmallStack(codec, encode(codec, chain(DecodeBudget.MAX_DEPTH + 50)));
        assertInstanceOf(CorruptBodyException.class, deep, () -> "got " + deep);
        assertTrue(((Throwable) deep).getMessage().contains("nested more than " + DecodeBudget.MAX_DEPTH + " levels"), ((Throwable) deep).getMessage());
        Object ok = decodeOnSmallStack(codec, encode(codec, chain(DecodeBudget.MAX_DEPTH - 10)));
        assertInstanceOf(Node.class, ok, () -> "got " + ok);
        assertEquals(DecodeBudget.MAX_DEPTH - 11, ((Node) ok).value);
    }

    @Test
    void aRecordTypeThatContainsItselfIsRefusedWhenItsCodecIsBuilt() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Serializers.protostuff().codecFor(Link.class));
        assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
    }
}
