package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One walk over a type graph for the {@link AllowList}: the classes reachable from a type through type arguments,
 * array components, fields and record components. What it finds is committed only if no Kryo id collides.
 */
final class TypeWalk {
    /** Types walked by earlier, committed walks: not walked again. */
    private final Set<Type> walked;
    final Set<Type> seen = new HashSet<>();
    final Map<String, Class<?>> found = new LinkedHashMap<>();

    TypeWalk(Set<Type> walked) {
        this.walked = walked;
    }

    void visit(Type type) {
        if (type == null || walked.contains(type) || !seen.add(type)) {
            return;
        }
        if (type instanceof Class<?> c) {
            visitClass(c);
        } else if (type instanceof ParameterizedType p) {
            visit(p.getRawType());
            for (Type arg : p.getActualTypeArguments()) {
                visit(arg);
            }
        } else if (type instanceof GenericArrayType g) {
            add(Types.raw(g)); // List<String>[] travels as a List[]
            visit(g.getGenericComponentType());
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                visit(b);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                visit(b);
            }
        }
    }

    private void add(Class<?> c) {
        found.putIfAbsent(c.getName(), c);
    }

    private void visitClass(Class<?> c) {
        if (c.isPrimitive() || c == Object.class || c == void.class || c == Void.class) {
            return;
        }
        if (c.isArray()) {
            add(c); // int[][] registers int[][] and, through its component, int[]
            visit(c.getComponentType());
            return;
        }
        if (AllowList.isJdk(c)) {
            if (c.isEnum() || Throwable.class.isAssignableFrom(c)) {
                add(c);
            }
            return; // collection interfaces and value types: covered by JDK_VALUE_TYPES and type arguments
        }
        add(c);
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                visit(rc.getGenericType());
            }
            return;
        }
        for (Class<?> k = c; k != null && k != Object.class && !AllowList.isJdk(k); k = k.getSuperclass()) {
            if (k != c) {
                add(k);
            }
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
                    visit(f.getGenericType());
                }
            }
        }
    }
}
