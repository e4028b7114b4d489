package io.tern.rpc.protocol.serialize;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The element budget of one message body (SPEC §2 limits): every decoder spends from it before it allocates for
 * what the peer announced (collection and map sizes, array lengths, string lengths, number digits). The budget of
 * a body is {@link #BASE} plus one element per byte of the (decompressed) body, shared by everything nested in it,
 * so nested collections cannot each claim the whole body again.
 *
 * <p>One body is decoded on one thread, start to end, so the budget is a per-thread counter opened by
 * {@link #open(int)} at each decode entry point of {@link io.tern.rpc.protocol.internal.MessageCodec} and closed when it
 * returns. Outside an open budget (a codec used directly, not on wire input) nothing is counted.
 */
public final class DecodeBudget {
    /** Elements every body may announce beyond one per byte (small bodies holding a few empty values). */
    public static final int BASE = 1024;
    /** Most digits a BigInteger or BigDecimal may carry: parsing is quadratic in the digit count. */
    public static final int MAX_NUMBER_DIGITS = 4096;
    /** Largest absolute scale of a BigDecimal: a huge exponent makes later arithmetic and formatting explode. */
    public static final int MAX_NUMBER_SCALE = 4096;

    /**
     * Deepest nesting of messages and records a body may hold: refused before the stack runs out, because a
     * StackOverflowError can strike inside a class initialiser and poison that class for the JVM's life.
     */
    public static final int MAX_DEPTH = 256;

    private static final long INACTIVE = Long.MAX_VALUE;
    private static final FastThreadLocal<DecodeBudget> CURRENT = new FastThreadLocal<>() {
        @Override
        protected DecodeBudget initialValue() {
            return new DecodeBudget();
        }
    };

    private long left = INACTIVE;
    private long granted;
    private int depth;

    private DecodeBudget() {
    }

    /**
     * Opens the budget of a body of {@code bodyBytes} on this thread, replacing any budget still open here; returns
     * the previous remainder, to hand back to {@link #close(long)}.
     */
    public static long open(int bodyBytes) {
        DecodeBudget b = CURRENT.get();
        long previous = b.left;
        b.granted = BASE + (long) Math.max(0, bodyBytes);
        b.left = b.granted;
        return previous;
    }

    /** Closes the budget opened by {@link #open(int)}, restoring the one it replaced (usually none). */
    public static void close(long previous) {
        CURRENT.get().left = previous;
    }

    /**
     * Spends {@code elements} of the open budget before allocating for them; throws {@link CorruptBodyException}
     * (a BAD_REQUEST on the wire) naming {@code what} when the body cannot hold that many.
     */
    public static void spend(long elements, String what) {
        DecodeBudget b = CURRENT.get();
        if (elements < 0) {
            throw new CorruptBodyException(what + " announces a negative size (" + elements + ")");
        }
        if (b.left == INACTIVE) {
            return;
        }
        if (elements > b.left) {
            throw new CorruptBodyException(what + " announces " + elements + " elements, over the decode budget of this body ("
                    + b.left + " of " + b.granted + " left: " + BASE + " plus one per body byte)");
        }
        b.left -= elements;
    }

    /** Enters one level of nesting ({@code what}: the nested type); pair with {@link #ascend()} in a finally block. */
    public static void descend(String what) {
        DecodeBudget b = CURRENT.get();
        if (b.depth >= MAX_DEPTH) {
            throw new CorruptBodyException(what + " is nested more than " + MAX_DEPTH + " levels deep");
        }
        b.depth++;
    }

    public static void ascend() {
        CURRENT.get().depth--;
    }

    /** Refuses a number of more than {@link #MAX_NUMBER_DIGITS} digits before it is parsed. */
    public static void checkDigits(int digits, String what) {
        if (digits > MAX_NUMBER_DIGITS) {
            throw new CorruptBodyException(what + " of " + digits + " digits is over the limit of " + MAX_NUMBER_DIGITS + " digits");
        }
        spend(digits, what);
    }

    /** Refuses a BigDecimal scale outside ±{@link #MAX_NUMBER_SCALE}. */
    public static void checkScale(long scale, String what) {
        if (scale > MAX_NUMBER_SCALE || scale < -MAX_NUMBER_SCALE) {
            throw new CorruptBodyException(what + " has scale " + scale + ", outside the limit of ±" + MAX_NUMBER_SCALE);
        }
    }

    /** Elements left in the open budget of this thread, or {@link Long#MAX_VALUE} when none is open (for tests). */
    public static long left() {
        return CURRENT.get().left;
    }
}
