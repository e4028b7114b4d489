package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over one message body that spends every size the body announces (array lengths, string char
 * counts) from the body's {@link DecodeBudget} before allocating for it; {@link BoundedKryoSerializers} do the same
 * for collections, maps, object arrays and numbers. The budget is shared by everything nested in the body: a tiny
 * frame announcing a 2 GB array, or a million collections each announcing a million nulls, is a bad request, not an OOM.
 */
final class BoundedKryoInput extends Input {
    BoundedKryoInput(byte[] buffer, int offset, int count) {
        super(buffer, offset, count);
    }

    /**
     * Spends {@code count} elements that take at least one byte each: refused when fewer bytes are left (a cheap
     * bound that holds before the budget does), then spent from the body's budget.
     */
    void spendBytes(long count, String what) {
        int left = limit - position;
        if (count > left) {
            throw new CorruptBodyException(what + " announces " + count + " elements but only " + left + " bytes are left in the body");
        }
        DecodeBudget.spend(count, what);
    }

    @Override
    public byte[] readBytes(int length) {
        spendBytes(length, "byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        spendBytes(length, "int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public int[] readInts(int length) {
        spendBytes(length, "int array");
        return super.readInts(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        spendBytes(length, "long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        spendBytes(length, "long array");
        return super.readLongs(length);
    }

    @Override
    public float[] readFloats(int length) {
        spendBytes(length, "float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        spendBytes(length, "double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        spendBytes(length, "short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        spendBytes(length, "char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        spendBytes(length, "boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        spendUtf8CharCount();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        spendUtf8CharCount();
        return super.readStringBuilder();
    }

    /**
     * A UTF-8 string announces its char count up front (each char takes at least one byte): spend it before Kryo
     * sizes its char buffer. An ASCII string announces nothing: it ends at the byte with the high bit set, so it is
     * never longer than the bytes it occupies (Kryo writes only strings of up to 32 chars that way).
     */
    private void spendUtf8CharCount() {
        if (position < limit && (buffer[position] & 0x80) != 0) {
            int start = position;
            int charCountPlusOne = readVarIntFlag(true); // 0 = null, 1 = empty
            position = start;
            if (charCountPlusOne != 0) {
                spendBytes(charCountPlusOne - 1L, "string");
            }
        }
    }

    static BoundedKryoInput of(Input input) {
        if (input instanceof BoundedKryoInput b) {
            return b;
        }
        throw new KryoException("Tern RPC reads Kryo bodies only through a bounded input");
    }

    /**
     * Spends the length that a Kryo array announces at the position (written + 1, 0 = null) without reading it: for
     * serializers that allocate the array themselves, not through this input.
     */
    void spendAnnouncedLength(String what) {
        int start = position;
        int lengthPlusOne = readVarInt(true);
        position = start;
        if (lengthPlusOne != Kryo.NULL) {
            spendBytes(lengthPlusOne - 1L, what);
        }
    }
}
