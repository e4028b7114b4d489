package io.tern.rpc.protocol.internal;


import io.netty.buffer.ByteBuf;
import io.netty.util.Recycler;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One decoded frame: the header fields and the body bytes (a retained slice of the inbound buffer).
 * Whoever receives a frame releases it exactly once.
 */
public final class Frame extends AbstractReferenceCounted {
    // a frame lives from decode to the end of its channelRead: pooled per thread, it costs no allocation
    private static final Recycler<Frame> RECYCLER = new Recycler<>() {
        @Override
        protected Frame newObject(Handle<Frame> handle) {
            return new Frame(handle);
        }
    };

    private final Recycler.Handle<Frame> handle;
    private byte type;
    private byte codec;
    private byte compress;
    private int requestId;
    private ByteBuf body;

    private Frame(Recycler.Handle<Frame> handle) {
        this.handle = handle;
    }

    /** A pooled frame; released, it goes back to the pool (so it must not be used after its release). */
    public static Frame of(byte type, byte codec, byte compress, int requestId, ByteBuf body) {
        Frame f = RECYCLER.get();
        f.setRefCnt(1);
        f.type = type;
        f.codec = codec;
        f.compress = compress;
        f.requestId = requestId;
        f.body = body;
        return f;
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
        ByteBuf b = body;
        body = null;
        b.release();
        handle.recycle(this);
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Frame{type=" + type + ", codec=" + codec + ", compress=" + compress + ", id=" + requestId
                + ", bodyBytes=" + (body == null ? "released" : String.valueOf(body.readableBytes())) + '}';
    }
}
