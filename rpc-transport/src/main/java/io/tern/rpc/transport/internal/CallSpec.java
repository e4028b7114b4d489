package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;

/**
 * What a connection needs to send one method's requests and read its responses, resolved once per referenced
 * method: serializer, compression, codecs, and a description for error messages.
 */
public record CallSpec(Serializer serializer, Compression compression, ValueCodec[] argCodecs, ValueCodec resultCodec,
                       String description, String serviceKey, byte[] routingPrefix) {

    public static CallSpec of(MethodCodecs codecs, Serializer serializer, Compression compression) {
        codecs.require(serializer);
        return new CallSpec(serializer, compression, codecs.argCodecs(serializer), codecs.resultCodec(serializer), codecs.describe(), null, null);
    }

    /** A spec whose requests all go to {@code serviceKey}: their routing prefix is encoded once, here. */
    public static CallSpec of(MethodCodecs codecs, Serializer serializer, Compression compression, String serviceKey) {
        codecs.require(serializer);
        return new CallSpec(serializer, compression, codecs.argCodecs(serializer), codecs.resultCodec(serializer), codecs.describe(),
                serviceKey, io.tern.rpc.protocol.internal.MessageCodec.routingPrefix(serviceKey, codecs.name(), codecs.descriptors()));
    }

    /** The pre-encoded prefix if it matches this request, else null (the prefix is then written from the request). */
    byte[] prefixFor(io.tern.rpc.protocol.RpcRequest request) {
        return routingPrefix != null && serviceKey.equals(request.serviceKey()) ? routingPrefix : null;
    }
}
