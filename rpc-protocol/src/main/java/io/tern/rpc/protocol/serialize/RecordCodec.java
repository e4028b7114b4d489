package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/** A record, component by component in the codecs of their declared types, rebuilt through its canonical constructor. */
final class RecordCodec implements ValueCodec {
    private final MethodHandle[] accessors;
    private final ValueCodec[] codecs;
    private final MethodHandle constructor;
    private final Class<?> type;

    RecordCodec(Class<?> type, TypedCodecs codecs, String where) {
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        this.accessors = new MethodHandle[components.length];
        this.codecs = new ValueCodec[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                RecordComponent rc = components[i];
                Method accessor = rc.getAccessor();
                accessor.setAccessible(true);
                accessors[i] = MethodHandles.lookup().unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
                this.codecs[i] = codecs.codecFor(rc.getGenericType(), where + " > " + type.getSimpleName() + "." + rc.getName());
                types[i] = rc.getType();
            }
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            this.constructor = MethodHandles.lookup().unreflectConstructor(ctor).asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot carry record " + type.getName() + " at " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(ByteBuf out, Object value) throws Exception {
        for (int i = 0; i < accessors.length; i++) {
            try {
                codecs[i].write(out, accessors[i].invokeExact(value));
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    @Override
    public Object read(ByteBuf in) throws Exception {
        Object[] args = new Object[codecs.length];
        DecodeBudget.descend(type.getName());
        try {
            for (int i = 0; i < codecs.length; i++) {
                args[i] = codecs[i].read(in);
            }
        } finally {
            DecodeBudget.ascend();
        }
        try {
            return constructor.invokeExact(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
