package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.lang.reflect.Type;

/**
 * Kryo codec (codec byte 2), with class registration required: no class name is ever written or read. A class
 * travels as its registration id: the JDK value types have fixed ids, every other class on the {@link AllowList}
 * an id derived from its name ({@link AllowList#hashId}), so both peers agree without coordination. A body tagging
 * a class by name, or naming an id not registered here, is refused; writing a class that is not registered fails
 * with what to do about it. References are off (no cyclic graphs). JDK collection views and immutable collections
 * are written as their plain mutable equivalents. Kryo's set-up is {@link TernKryo}'s and {@link TernClassResolver}'s.
 */
public final class KryoSerializer extends BuiltInSerializer {
    public static final byte ID = 2;
    /**
     * Deepest object graph Kryo reads or writes (Kryo counts one level per nested object). Deeper bodies are refused
     * long before the stack runs out (about 300 bytes a level): a StackOverflowError may strike inside a class's
     * static initialiser and leave that class unusable for the rest of the JVM's life, so it must never be reached.
     */
    static final int MAX_DEPTH = 256;

    private final FastThreadLocal<TernKryo> kryos = new FastThreadLocal<>() {
        @Override
        protected TernKryo initialValue() {
            return new TernKryo(allowList);
        }
    };
    private final FastThreadLocal<Output> outputs = new FastThreadLocal<>() {
        @Override
        protected Output initialValue() {
            return new Output(1024, -1);
        }
    };

    public KryoSerializer(AllowList allowList) {
        super(ID, "kryo", allowList);
    }

    /** This thread's Kryo, with every class allowed so far registered. */
    private TernKryo kryo() {
        TernKryo kryo = kryos.get();
        kryo.catchUp();
        return kryo;
    }

    /** The id this thread's Kryo writes for {@code type}, or -1 if it is not registered (for tests). */
    int registeredId(Class<?> type) {
        Registration r = kryo().getClassResolver().getRegistration(type);
        return r == null ? -1 : r.getId();
    }

    /** The serializer class this thread's Kryo uses for a registered {@code type} (for tests). */
    Class<?> serializerClass(Class<?> type) {
        return kryo().getRegistration(type).getSerializer().getClass();
    }

    @Override
    ValueCodec codecForAllowed(Type declaredType) {
        Class<?> raw = Types.box(Types.raw(declaredType));
        return new ValueCodec() {
            @Override
            public void write(ByteBuf out, Object value) {
                Output output = outputs.get();
                output.reset();
                TernKryo kryo = kryo();
                try {
                    kryo.writeClassAndObject(output, value);
                } catch (RuntimeException e) {
                    recover(kryo);
                    throw new IllegalArgumentException("kryo cannot write a " + Types.describe(declaredType) + ": " + rootMessage(e), e);
                }
                out.writeBytes(output.getBuffer(), 0, output.position());
                if (output.getBuffer().length > 64 * 1024) {
                    outputs.remove(); // do not pin a large buffer to the thread
                }
            }

            @Override
            public Object read(ByteBuf in) {
                Input input;
                int base;
                if (in.hasArray()) {
                    base = in.arrayOffset() + in.readerIndex();
                    input = new BoundedKryoInput(in.array(), base, in.readableBytes());
                } else {
                    byte[] copy = new byte[in.readableBytes()];
                    in.getBytes(in.readerIndex(), copy);
                    base = 0;
                    input = new BoundedKryoInput(copy, 0, copy.length);
                }
                // decode nothing without a budget: a codec used outside MessageCodec gets one for the bytes it reads
                boolean ownBudget = DecodeBudget.left() == Long.MAX_VALUE;
                long previousBudget = ownBudget ? DecodeBudget.open(in.readableBytes()) : 0;
                TernKryo kryo = kryo();
                Object value;
                try {
                    value = kryo.readClassAndObject(input);
                } catch (RuntimeException e) {
                    recover(kryo);
                    throw corrupt(declaredType, e);
                } catch (StackOverflowError e) {
                    recover(kryo);
                    throw e;
                } finally {
                    if (ownBudget) {
                        DecodeBudget.close(previousBudget);
                    }
                }
                in.skipBytes(input.position() - base);
                if (value != null && raw != Object.class && !raw.isInstance(value)) {
                    throw new CorruptBodyException("expected a " + Types.describe(declaredType) + " but the body holds a " + value.getClass().getName());
                }
                return value;
            }
        };
    }

    /** A failed read or write may leave Kryo mid-graph (depth, generic type stack): reset it before the thread's next body. */
    private static void recover(Kryo kryo) {
        kryo.reset();
        kryo.setOptimizedGenerics(true); // a fresh generics stack
    }

    /** Anything a hostile body makes Kryo throw is a bad body; a refusal from a bounded reader keeps its own message. */
    private static CorruptBodyException corrupt(Type declaredType, RuntimeException e) {
        Throwable reason = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CorruptBodyException) {
                reason = t;
                break;
            }
        }
        return new CorruptBodyException("kryo could not decode a " + Types.describe(declaredType) + ": " + reason.getMessage(), e);
    }

    /** Kryo wraps what a nested serializer throws, adding its field trace: the innermost message says what went wrong. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : root.getMessage() + " (" + e.getMessage() + ")";
    }
}
