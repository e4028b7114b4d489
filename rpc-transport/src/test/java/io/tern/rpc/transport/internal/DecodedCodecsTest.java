package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codecs a provider decodes (rpc.server.serializations), including a third-party {@code Serializer} found by
 * ServiceLoader: rpc-protocol's ToySerializer, codec id 3, registered for this module's tests (see the pom).
 */
class DecodedCodecsTest {

    @Test
    void aThirdPartyCodecBeyondTheBuiltInOnesCanBeDecoded() {
        DecodedCodecs codecs = DecodedCodecs.of("protostuff", "toy");
        assertTrue(codecs.decodes(1));
        assertFalse(codecs.decodes(2), "kryo was not named");
        assertTrue(codecs.decodes(3), "toy (id 3)");
        assertEquals("protostuff,toy", codecs.names());
        assertTrue(ServerConfig.builder().serializations("toy").build().decodes(3));
    }

    @Test
    void codecBytesNoCodecHasAreNotDecoded() {
        DecodedCodecs codecs = DecodedCodecs.of("protostuff", "kryo", "toy");
        for (int id : new int[] {0, 4, 127, 128, 255, -1}) {
            assertFalse(codecs.decodes(id), "codec " + id);
        }
    }
}
