package io.tern.rpc.protocol.serialize;

import java.util.List;
import java.util.Locale;

/**
 * The process-wide serializers and their shared {@link AllowList}. Exporting or referencing a service adds its
 * signature types to the allow-list; a peer can name nothing else. Besides the built-ins (protostuff, kryo), the
 * serializers listed in {@code META-INF/services/io.tern.rpc.protocol.serialize.Serializer} on the class path are
 * found when this class is initialised (see {@link Serializer} for their contract); a clash of ids or names fails
 * that initialisation naming both classes.
 */
public final class Serializers {
    private static final AllowList ALLOW_LIST = new AllowList();
    private static final ProtostuffSerializer PROTOSTUFF = new ProtostuffSerializer(ALLOW_LIST);
    private static final KryoSerializer KRYO = new KryoSerializer(ALLOW_LIST);
    // after the fields above: a discovered serializer's constructor may already ask for allowList() or the built-ins
    private static final SerializerTable TABLE = SerializerTable.of(List.of(PROTOSTUFF, KRYO), SerializerTable.discover());
    private static final Serializer[] BY_ID = TABLE.byId();

    private Serializers() {
    }

    public static AllowList allowList() {
        return ALLOW_LIST;
    }

    public static Serializer protostuff() {
        return PROTOSTUFF;
    }

    public static Serializer kryo() {
        return KRYO;
    }

    /** All serializers, indexed by codec byte (index 0 is null: "no body"; so is any id no serializer takes). */
    public static Serializer[] all() {
        return BY_ID.clone();
    }

    /** The serializer for a codec byte, or null if the byte names none. */
    public static Serializer byId(int id) {
        return id > 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** The serializer for a configuration name; the error lists the accepted names. */
    public static Serializer byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Serializer s = TABLE.byName(n);
        if (s == null) {
            throw new IllegalArgumentException("unknown serialization '" + name + "': use " + TABLE.names());
        }
        return s;
    }
}
