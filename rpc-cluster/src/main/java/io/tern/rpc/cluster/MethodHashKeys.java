package io.tern.rpc.cluster;

import io.tern.rpc.HashKey;
import io.tern.rpc.protocol.RpcRequest;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which values key a call, per method, and their text ({@link HashKeyText}): the key extractor's result if there is
 * one; else the parameters marked {@link HashKey}; else the arguments at the indexes of
 * {@code rpc.consumer.hash-arguments} (default the first). Bound to a service interface, each method's key is resolved
 * and checked once ({@link #forService}), so a key that could only be hashed by identity is refused before any call.
 */
final class MethodHashKeys {
    private static final int[] FIRST_ARGUMENT = {0};
    /** Marks the key extractor's result where an argument index is expected. */
    private static final int EXTRACTED = -1;

    private final int[] argumentIndexes;
    private final Function<Object[], Object> keyExtractor;
    /** Per method name, the key of each overload; null until bound to a service interface. */
    private final Map<String, MethodKey[]> methods;
    private final Class<?> serviceInterface;

    private MethodHashKeys(int[] argumentIndexes, Function<Object[], Object> keyExtractor, Map<String, MethodKey[]> methods,
                           Class<?> serviceInterface) {
        this.argumentIndexes = argumentIndexes;
        this.keyExtractor = keyExtractor;
        this.methods = methods;
        this.serviceInterface = serviceInterface;
    }

    /** Keys by {@link HashKey} parameters, else by the arguments at these indexes (none given: the first). */
    static MethodHashKeys byArguments(int... indexes) {
        return new MethodHashKeys(checkIndexes(indexes), null, null, null);
    }

    /** Keys every call by what {@code keyExtractor} returns for its arguments. */
    static MethodHashKeys extractedBy(Function<Object[], Object> keyExtractor) {
        return new MethodHashKeys(FIRST_ARGUMENT, Objects.requireNonNull(keyExtractor, "keyExtractor"), null, null);
    }

    private static int[] checkIndexes(int[] indexes) {
        if (indexes == null || indexes.length == 0) {
            return FIRST_ARGUMENT;
        }
        for (int i : indexes) {
            if (i < 0) {
                throw new IllegalArgumentException("hash argument indexes must be >= 0 (rpc.consumer.hash-arguments), were " + Arrays.toString(indexes));
            }
        }
        return indexes.clone();
    }

    /** The key of one method (told from its overloads by its parameter descriptors): the arguments at these indexes. */
    private record MethodKey(String[] descriptors, int[] indexes) {
    }

    /**
     * These keys resolved and checked for the methods of {@code serviceInterface} (this one if already bound to it): a
     * key parameter whose type has no stable form is refused with an {@link IllegalArgumentException} naming the
     * method and parameter.
     */
    MethodHashKeys forService(Class<?> serviceInterface) {
        if (serviceInterface == this.serviceInterface) {
            return this;
        }
        if (keyExtractor != null) {
            return new MethodHashKeys(argumentIndexes, keyExtractor, null, serviceInterface);
        }
        Map<String, List<MethodKey>> byName = new HashMap<>();
        for (Method m : serviceInterface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue; // not remote (as the proxy sees it)
            }
            byName.computeIfAbsent(m.getName(), n -> new ArrayList<>()).add(keyOf(serviceInterface, m));
        }
        Map<String, MethodKey[]> methods = new HashMap<>();
        byName.forEach((name, keys) -> methods.put(name, keys.toArray(MethodKey[]::new)));
        return new MethodHashKeys(argumentIndexes, null, methods, serviceInterface);
    }

    private MethodKey keyOf(Class<?> serviceInterface, Method m) {
        Parameter[] params = m.getParameters();
        String[] descriptors = new String[params.length];
        List<Integer> marked = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            descriptors[i] = params[i].getType().getName();
            if (params[i].isAnnotationPresent(HashKey.class)) {
                marked.add(i);
            }
        }
        String method = serviceInterface.getName() + "." + m.getName() + "(" + String.join(", ",
                Arrays.stream(params).map(p -> p.getType().getSimpleName()).toList()) + ")";
        int[] indexes;
        String source;
        if (!marked.isEmpty()) {
            indexes = marked.stream().mapToInt(Integer::intValue).toArray();
            source = "@HashKey";
        } else {
            indexes = Arrays.stream(argumentIndexes).filter(i -> i < params.length).toArray();
            source = "rpc.consumer.hash-arguments=" + joined(argumentIndexes);
            if (indexes.length == 0 && params.length > 0) {
                throw new IllegalArgumentException("consistent-hash cannot key " + method + ": it has " + params.length
                        + " parameter(s) and the hash key takes argument(s) " + joined(argumentIndexes) + " (" + source
                        + "), so every call would go to one provider. Mark the key parameter with @io.tern.rpc.HashKey");
            }
        }
        for (int i : indexes) {
            String reason = HashKeyTypes.unstableReason(m.getGenericParameterTypes()[i]);
            if (reason != null) {
                throw new IllegalArgumentException("consistent-hash cannot key " + method + " by parameter " + i + " ("
                        + params[i].getParameterizedType().getTypeName() + ", chosen by " + source + "): " + reason
                        + ". Equal keys would reach random providers. Mark a parameter that has a stable form with"
                        + " @io.tern.rpc.HashKey, or give the type one (a record, or a toString() built from the fields that"
                        + " identify it)");
            }
        }
        return new MethodKey(descriptors, indexes);
    }

    private static String joined(int[] indexes) {
        return String.join(",", Arrays.stream(indexes).mapToObj(Integer::toString).toList());
    }

    /**
     * The text {@code request} is keyed by: each key value's {@link HashKeyText}, each followed by a NUL. Throws
     * {@link IllegalArgumentException} if a value has no stable form.
     */
    String textOf(RpcRequest request) {
        Object[] args = request.arguments();
        StringBuilder sb = new StringBuilder(32);
        if (keyExtractor != null) {
            appendKey(sb, keyExtractor.apply(args), request, EXTRACTED);
        } else {
            MethodKey method = methodKey(request);
            int[] indexes = method == null ? argumentIndexes : method.indexes();
            for (int i : indexes) {
                if (i < args.length) {
                    appendKey(sb, args[i], request, i);
                }
            }
        }
        return sb.toString();
    }

    private static void appendKey(StringBuilder sb, Object value, RpcRequest request, int argument) {
        try {
            HashKeyText.append(sb, value);
        } catch (IllegalArgumentException e) {
            // what the key was is named only here: a call that succeeds builds no message
            String what = argument == EXTRACTED ? "the key extractor's result" : "argument " + argument;
            throw new IllegalArgumentException("consistent-hash cannot key a call of " + request.serviceKey() + "." + request.methodName()
                    + ": " + what + ": " + e.getMessage(), e);
        }
        sb.append('\u0000');
    }

    private MethodKey methodKey(RpcRequest request) {
        MethodKey[] overloads = methods == null ? null : methods.get(request.methodName());
        if (overloads == null) {
            return null;
        }
        if (overloads.length == 1) {
            return overloads[0];
        }
        String[] descriptors = request.parameterTypes();
        for (MethodKey k : overloads) {
            if (k.descriptors() == descriptors || Arrays.equals(k.descriptors(), descriptors)) {
                return k;
            }
        }
        return null;
    }
}
