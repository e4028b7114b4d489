package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.serialize.Serializers;

/** The codecs a provider decodes, by codec byte (rpc.server.serializations). Immutable. */
public final class DecodedCodecs {
    /** Protostuff only, as rpc.serialization's default. */
    public static final DecodedCodecs DEFAULT = new DecodedCodecs(new boolean[] {false, true, false});

    private final boolean[] enabled;

    private DecodedCodecs(boolean[] enabled) {
        this.enabled = enabled;
    }

    /** By name: {@code protostuff}, {@code kryo}; an unknown name is an {@link IllegalArgumentException}. */
    public static DecodedCodecs of(String... names) {
        boolean[] enabled = new boolean[Serializers.all().length]; // every registered codec id, third-party ones too
        for (String n : names) {
            enabled[Serializers.byName(n).id()] = true;
        }
        return new DecodedCodecs(enabled);
    }

    public boolean decodes(int codec) {
        return codec > 0 && codec < enabled.length && enabled[codec];
    }

    public boolean isEmpty() {
        for (int id = 1; id < enabled.length; id++) {
            if (enabled[id]) {
                return false;
            }
        }
        return true;
    }

    /** The enabled codecs by name, comma-separated, for messages. */
    public String names() {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id < enabled.length; id++) {
            if (enabled[id]) {
                sb.append(sb.length() == 0 ? "" : ",").append(Serializers.byId(id).name());
            }
        }
        return sb.toString();
    }
}
