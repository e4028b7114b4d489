package io.tern.rpc.protocol.serialize;

import java.lang.reflect.Type;

/**
 * One body codec of the wire protocol, selected by the frame's codec byte. Built in: protostuff (1) and kryo (2).
 *
 * <p><b>Third-party serializers.</b> Another codec plugs in through {@link java.util.ServiceLoader}: a public class
 * with a public no-argument constructor, listed in {@code META-INF/services/io.tern.rpc.protocol.serialize.Serializer}
 * on the class path, with its own {@link #id()} in 3..127 (the codec byte of SPEC §2, read signed; 1 and 2 are the
 * built-ins') and its own {@link #name()}. It is found when {@link Serializers} is first used; an id or a name that
 * another serializer already has fails that start-up naming both classes. It is then chosen by name like the
 * built-ins ({@code rpc.serialization}, a reference's or an export's serialization) and by id on incoming frames; a
 * provider decodes it only when it is listed in {@code rpc.server.serializations}.
 *
 * <p>A third-party serializer decodes bytes sent by untrusted peers, and the protections of the built-ins do not
 * reach inside it. <b>It is responsible for its own input budget</b>: it must bound what a body can make it allocate
 * or compute (collection and array sizes, string lengths, nesting depth, number digits) before allocating, for
 * instance by spending from {@link DecodeBudget}, which is open for the body during every decode from the wire; and
 * it must never load or instantiate a class that a peer names unless {@link Serializers#allowList()} allows it.
 */
public interface Serializer {
    /** The codec byte of SPEC §2: 1 protostuff, 2 kryo, 3..127 a third-party serializer. */
    byte id();

    /**
     * The configuration name ({@code protostuff}, {@code kryo}): lower-case letters, digits, {@code .}, {@code _} or
     * {@code -}.
     */
    String name();

    /**
     * A codec for values of {@code declaredType}. Called when a service is exported or referenced, for every
     * serializer on the class path, configured or not; every class reachable from the type is put on the allow-list.
     * Throws {@link IllegalArgumentException} naming the field or type this serializer cannot carry safely (any other
     * exception fails the export or reference).
     */
    ValueCodec codecFor(Type declaredType);
}
