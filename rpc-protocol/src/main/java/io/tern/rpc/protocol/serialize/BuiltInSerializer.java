package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Type;

/**
 * What the built-in serializers share: a fixed codec byte and name, and the {@link AllowList} that every declared
 * type joins (with all it reaches) before its codec is built.
 */
abstract class BuiltInSerializer implements Serializer {
    final AllowList allowList;
    private final byte id;
    private final String name;

    BuiltInSerializer(byte id, String name, AllowList allowList) {
        this.id = id;
        this.name = name;
        this.allowList = allowList;
    }

    @Override
    public final byte id() {
        return id;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final ValueCodec codecFor(Type declaredType) {
        allowList.allow(declaredType);
        return codecForAllowed(declaredType);
    }

    /** The codec of a type already on the allow-list. */
    abstract ValueCodec codecForAllowed(Type declaredType);
}
