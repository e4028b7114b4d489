package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The per-method facts both sides derive from an interface method once: wire descriptors, whether it is async,
 * and its argument/result codecs for each serializer (null with the reason where a serializer cannot carry it).
 */
public final class MethodCodecs {
    private final Method method;
    private final String[] descriptors;
    private final boolean async;
    private final ValueCodec[][] argCodecs;
    private final ValueCodec[] resultCodecs;
    private final String[] unsupported;

    public MethodCodecs(Method method) {
        this.method = method;
        Class<?>[] params = method.getParameterTypes();
        this.descriptors = new String[params.length];
        for (int i = 0; i < params.length; i++) {
            descriptors[i] = params[i].getName();
        }
        this.async = isAsync(method);
        Serializers.allowList().allowSignature(method);
        Serializer[] all = Serializers.all();
        this.argCodecs = new ValueCodec[all.length][];
        this.resultCodecs = new ValueCodec[all.length];
        this.unsupported = new String[all.length];
        Type[] generic = method.getGenericParameterTypes();
        Type resultType = resultType(method);
        for (Serializer s : all) {
            if (s == null) {
                continue;
            }
            try {
                ValueCodec[] codecs = new ValueCodec[generic.length];
                for (int i = 0; i < generic.length; i++) {
                    codecs[i] = s.codecFor(generic[i]);
                }
                resultCodecs[s.id()] = s.codecFor(resultType);
                argCodecs[s.id()] = codecs;
            } catch (IllegalArgumentException e) {
                unsupported[s.id()] = "method " + describe() + ": " + e.getMessage();
            }
        }
    }

    static boolean isAsync(Method m) {
        return m.getReturnType() == CompletableFuture.class || m.getReturnType() == CompletionStage.class;
    }

    static Type resultType(Method m) {
        if (isAsync(m)) {
            Type t = m.getGenericReturnType();
            return t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        return m.getGenericReturnType();
    }

    public Method method() {
        return method;
    }

    public String name() {
        return method.getName();
    }

    public String[] descriptors() {
        return descriptors;
    }

    public boolean async() {
        return async;
    }

    /** The argument codecs for a serializer, or null when it cannot carry this method (see {@link #unsupportedReason}). */
    public ValueCodec[] argCodecs(Serializer s) {
        return argCodecs[s.id()];
    }

    public ValueCodec resultCodec(Serializer s) {
        return resultCodecs[s.id()];
    }

    public String unsupportedReason(Serializer s) {
        return unsupported[s.id()];
    }

    /** Throws with the reason when {@code s} cannot carry this method. */
    public void require(Serializer s) {
        if (argCodecs[s.id()] == null) {
            throw new IllegalArgumentException(unsupported[s.id()]);
        }
    }

    public String describe() {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName() + "(" + String.join(", ", simpleNames()) + ")";
    }

    private String[] simpleNames() {
        Class<?>[] p = method.getParameterTypes();
        String[] names = new String[p.length];
        for (int i = 0; i < p.length; i++) {
            names[i] = p[i].getSimpleName();
        }
        return names;
    }
}
