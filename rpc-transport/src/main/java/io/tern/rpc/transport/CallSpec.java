package io.tern.rpc.transport;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;

/**
 * What a connection needs to send one method's requests and read its responses, resolved once per referenced
 * method: serializer, compression, codecs, and a description for error messages.
 */
public record CallSpec(Serializer serializer, Compression compression, ValueCodec[] argCodecs, ValueCodec resultCodec,
                       String description) {

    public static CallSpec of(MethodCodecs codecs, Serializer serializer, Compression compression) {
        codecs.require(serializer);
        return new CallSpec(serializer, compression, codecs.argCodecs(serializer), codecs.resultCodec(serializer), codecs.describe());
    }
}
