package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Type;

/** One body codec of the wire protocol, selected by the frame's codec byte. */
public interface Serializer {
    /** The codec byte of SPEC §2. */
    byte id();

    /** The configuration name ({@code protostuff}, {@code kryo}). */
    String name();

    /**
     * A codec for values of {@code declaredType}. Called when a service is exported or referenced; every class
     * reachable from the type is put on the allow-list. Throws {@link IllegalArgumentException} naming the field
     * or type this serializer cannot carry safely.
     */
    ValueCodec codecFor(Type declaredType);
}
