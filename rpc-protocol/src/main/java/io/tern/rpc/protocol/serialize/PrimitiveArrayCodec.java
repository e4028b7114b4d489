package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.reflect.Array;

/**
 * Arrays of a primitive type, element by element in the encoding of its boxed scalar, without boxing. One loop per
 * primitive type on purpose: Java has no generics over primitives, and a shared loop would box every element.
 */
record PrimitiveArrayCodec(Class<?> component, String what) implements ValueCodec {
    @Override
    public void write(ByteBuf out, Object value) {
        int n = Array.getLength(value);
        Varints.writeVarint(out, n);
        if (value instanceof int[] a) {
            for (int v : a) {
                Varints.writeSignedVarint(out, v);
            }
        } else if (value instanceof long[] a) {
            for (long v : a) {
                Varints.writeSignedVarlong(out, v);
            }
        } else if (value instanceof double[] a) {
            for (double v : a) {
                out.writeDouble(v);
            }
        } else if (value instanceof float[] a) {
            for (float v : a) {
                out.writeFloat(v);
            }
        } else if (value instanceof boolean[] a) {
            for (boolean v : a) {
                out.writeBoolean(v);
            }
        } else if (value instanceof short[] a) {
            for (short v : a) {
                out.writeShort(v);
            }
        } else {
            for (char v : (char[]) value) {
                out.writeChar(v);
            }
        }
    }

    @Override
    public Object read(ByteBuf in) {
        int n = Varints.readElementCount(in, what);
        if (component == int.class) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = Varints.readSignedVarint(in);
            }
            return a;
        }
        if (component == long.class) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = Varints.readSignedVarlong(in);
            }
            return a;
        }
        if (component == double.class) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readDouble();
            }
            return a;
        }
        if (component == float.class) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readFloat();
            }
            return a;
        }
        if (component == boolean.class) {
            boolean[] a = new boolean[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readBoolean();
            }
            return a;
        }
        if (component == short.class) {
            short[] a = new short[n];
            for (int i = 0; i < n; i++) {
                a[i] = in.readShort();
            }
            return a;
        }
        char[] a = new char[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readChar();
        }
        return a;
    }
}
