package io.tern.rpc.protocol.serialize;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads classes by registered id only (a class name on the wire is refused unread) and writes JDK collection
 * views and immutable collections, which are not registered, as the plain collection they stand for.
 */
final class TernClassResolver extends DefaultClassResolver {
    @Override
    public Registration readClass(Input input) {
        int tag = input.readVarInt(true); // id + 2; 0 = null, 1 = a class name follows
        if (tag == Kryo.NULL) {
            return null;
        }
        if (tag == NAME + 2) {
            throw new CorruptBodyException("class names are not accepted: Tern RPC's Kryo bodies tag classes by registered id only");
        }
        Registration registration = getRegistration(tag - 2);
        if (registration == null) {
            throw new CorruptBodyException("class id " + (tag - 2) + " is not registered here: the peer sent a type that is not"
                    + " on this side's allow-list (JDK value types and classes reachable from exported or referenced signatures)");
        }
        return registration;
    }

    @Override
    public Registration writeClass(Output output, Class type) {
        if (type != null && getRegistration(type) == null) {
            type = plainJdkType(type);
        }
        return super.writeClass(output, type);
    }

    private static Class<?> plainJdkType(Class<?> type) {
        if (type.isArray() || !AllowList.isJdk(type)) {
            return type;
        }
        if (java.util.SortedMap.class.isAssignableFrom(type)) {
            return java.util.TreeMap.class; // sorted views stay sorted (comparator kept)
        }
        if (java.util.SortedSet.class.isAssignableFrom(type)) {
            return java.util.TreeSet.class;
        }
        if (Map.class.isAssignableFrom(type)) {
            return LinkedHashMap.class;
        }
        if (Set.class.isAssignableFrom(type)) {
            return LinkedHashSet.class;
        }
        if (Collection.class.isAssignableFrom(type)) {
            return ArrayList.class;
        }
        return type;
    }
}
