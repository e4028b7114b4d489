package io.tern.rpc.transport.internal;

/** A harmless class whose name has the same length as {@link EvilInit}'s: its Kryo bytes are patched to name EvilInit. */
public final class GoodInit {
    public int value = 42;
}
