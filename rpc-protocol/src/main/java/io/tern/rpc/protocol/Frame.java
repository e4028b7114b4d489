package io.tern.rpc.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One decoded frame: the header fields and the body bytes (a retained slice of the inbound buffer).
 * Whoever receives a frame releases it exactly once.
 */
public final class Frame extends AbstractReferenceCounted {
    private final byte type;
    private final byte codec;
    private final byte compress;
    private final int requestId;
    private final ByteBuf body;

    public Frame(byte type, byte codec, byte compress, int requestId, ByteBuf body) {
        this.type = type;
        this.codec = codec;
        this.compress = compress;
        this.requestId = requestId;
        this.body = body;
    }

    public byte type() {
        return type;
    }

    public byte codec() {
        return codec;
    }

    public byte compress() {
        return compress;
    }

    public int requestId() {
        return requestId;
    }

    /** The body, possibly compressed; empty for control frames. Owned by this frame. */
    public ByteBuf body() {
        return body;
    }

    @Override
    protected void deallocate() {
        body.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Frame{type=" + type + ", codec=" + codec + ", compress=" + compress + ", id=" + requestId
                + ", bodyBytes=" + body.readableBytes() + '}';
    }
}
