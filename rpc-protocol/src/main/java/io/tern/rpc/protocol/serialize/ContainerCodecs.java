package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Object arrays, collections and maps: a count spent from the body's {@link DecodeBudget} before anything is made,
 * then the elements in their declared types' codecs. Only java.util types that can be rebuilt are carried.
 */
final class ContainerCodecs {
    private ContainerCodecs() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static IntFunction<Collection<Object>> collectionFactory(Class<?> c) {
        if (c == Collection.class || c == List.class || c == ArrayList.class || c == Iterable.class) {
            return ArrayList::new;
        }
        if (c == Set.class || c == LinkedHashSet.class) {
            return LinkedHashSet::new;
        }
        if (c == HashSet.class) {
            return HashSet::new;
        }
        if (c == SortedSet.class || c == TreeSet.class || c == NavigableSet.class) {
            return n -> new TreeSet<>();
        }
        if (c == LinkedList.class) {
            return n -> new LinkedList<>();
        }
        if (c == Queue.class || c == Deque.class || c == ArrayDeque.class) {
            return ArrayDeque::new;
        }
        return null;
    }

    static IntFunction<Map<Object, Object>> mapFactory(Class<?> c) {
        if (c == Map.class || c == HashMap.class) {
            return HashMap::new;
        }
        if (c == LinkedHashMap.class) {
            return LinkedHashMap::new;
        }
        if (c == SortedMap.class || c == TreeMap.class || c == NavigableMap.class) {
            return n -> new TreeMap<>();
        }
        return null;
    }

    record ArrayCodec(Class<?> component, ValueCodec element, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            Object[] array = (Object[]) value;
            Varints.writeVarint(out, array.length);
            for (Object o : array) {
                element.write(out, o);
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Object[] array = (Object[]) Array.newInstance(component, n);
            for (int i = 0; i < n; i++) {
                array[i] = element.read(in);
            }
            return array;
        }
    }

    record CollectionCodec(IntFunction<Collection<Object>> factory, ValueCodec element, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object value) throws Exception {
            Collection<?> c = (Collection<?>) value;
            Varints.writeVarint(out, c.size());
            for (Object o : c) {
                element.write(out, o);
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Collection<Object> c = factory.apply(n);
            for (int i = 0; i < n; i++) {
                c.add(element.read(in));
            }
            return c;
        }
    }

    record MapCodec(IntFunction<Map<Object, Object>> factory, ValueCodec key, ValueCodec value, String what) implements ValueCodec {
        @Override
        public void write(ByteBuf out, Object v) throws Exception {
            Map<?, ?> m = (Map<?, ?>) v;
            Varints.writeVarint(out, m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                key.write(out, e.getKey());
                value.write(out, e.getValue());
            }
        }

        @Override
        public Object read(ByteBuf in) throws Exception {
            int n = Varints.readElementCount(in, what);
            Map<Object, Object> m = factory.apply(n);
            for (int i = 0; i < n; i++) {
                m.put(key.read(in), value.read(in));
            }
            return m;
        }
    }
}
