package io.tern.rpc.protocol.serialize;

import io.protostuff.Schema;

import java.lang.reflect.Type;
import java.util.Set;

/**
 * Protostuff codec (codec byte 1, the default). Values are written against their declared type: top-level values
 * through {@link TypedCodecs}, POJOs as Protostuff messages ({@link ProtostuffPojoCodec}) of runtime schemas
 * ({@link ProtostuffSchemas}). Protostuff only reads a class name from the wire for polymorphic fields (declared
 * {@code Object}, abstract, interface, or nested collections), so such fields are refused when a service is exported
 * or referenced: with this codec no class name is ever read.
 *
 * <p>Decoding stays within the body's {@link DecodeBudget}: every message is read through a
 * {@link BoundedProtostuffInput}, arrays inside POJOs travel as bytes fields read by the budgeted {@link TypedCodecs}
 * array codecs (protostuff-runtime's own array encoding allocates at the announced length), and BigDecimal and
 * BigInteger fields keep protostuff's encoding but are checked against the digit and scale caps before parsing
 * ({@link ProtostuffDelegates}).
 */
public final class ProtostuffSerializer extends BuiltInSerializer {
    public static final byte ID = 1;

    private final TypedCodecs typed = new TypedCodecs(this);
    private final ProtostuffSchemas schemas = new ProtostuffSchemas(typed);

    public ProtostuffSerializer(AllowList allowList) {
        super(ID, "protostuff", allowList);
    }

    @Override
    ValueCodec codecForAllowed(Type declaredType) {
        return typed.codecFor(declaredType, declaredType.getTypeName());
    }

    /** A length-prefixed Protostuff message codec for a POJO class, after checking its fields are all static types. */
    ValueCodec pojoCodec(Class<?> pojo, String where) {
        return new ProtostuffPojoCodec(pojo, schemas.schema(pojo, where));
    }

    /** For tests: the schema the POJO codec of {@code pojo} writes with. */
    Schema<Object> schemaFor(Class<?> pojo) {
        return schemas.schema(pojo, pojo.getName());
    }

    Set<Class<?>> checkedPojos() {
        return schemas.checkedPojos();
    }
}
