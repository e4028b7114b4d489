package io.tern.rpc.protocol.internal;


import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.tern.rpc.protocol.serialize.CorruptBodyException;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Decompression of one body in stages: a receiver inflates just enough to read the head of a request (and check
 * its token) before it spends more, and can finish the rest on another thread. The output never grows past
 * {@code maxBytes}, so a small zip bomb cannot inflate past the max frame length. Not thread-safe; used by one
 * thread at a time. The compressed body must stay readable until {@link #close()}.
 */
public final class Inflation implements AutoCloseable {
    private static final int STEP = 8192;

    private final InputStream in;
    private final ByteBuf out;
    private final int maxBytes;
    private boolean finished;

    private Inflation(InputStream in, ByteBuf out, int maxBytes) {
        this.in = in;
        this.out = out;
        this.maxBytes = maxBytes;
    }

    /** Starts inflating {@code body} per its compress byte; throws {@link CorruptBodyException} for an unknown one. */
    public static Inflation start(byte compress, ByteBuf body, int maxBytes, ByteBufAllocator alloc) {
        if (compress != FrameHeader.COMPRESS_GZIP) {
            throw new CorruptBodyException("unknown compress value " + compress + " (0 = none, 1 = gzip)");
        }
        InputStream in;
        try {
            in = new GZIPInputStream(new ByteBufInputStream(body.duplicate()), 4096);
        } catch (IOException e) {
            throw new CorruptBodyException("bad gzip body: " + e.getMessage(), e);
        }
        return new Inflation(in, alloc.heapBuffer(Math.min(Math.max(256, body.readableBytes() * 4), maxBytes)), maxBytes);
    }

    /** What is inflated so far; the reader index is the caller's to move. */
    public ByteBuf output() {
        return out;
    }

    /** True once the whole body is inflated. */
    public boolean finished() {
        return finished;
    }

    /** Inflates until at least {@code bytes} are out or the body ends; returns {@link #finished()}. */
    public boolean inflateTo(int bytes) {
        int target = Math.min(bytes, maxBytes);
        try {
            while (!finished && out.writerIndex() < target) {
                int n = out.writeBytes(in, Math.min(STEP, maxBytes + 1 - out.writerIndex()));
                if (n < 0) {
                    finished = true;
                } else if (out.writerIndex() > maxBytes) {
                    throw new CorruptBodyException("decompressed body exceeds the max of " + maxBytes + " bytes (rpc.max-frame-length)");
                }
            }
            if (!finished && out.writerIndex() >= maxBytes) {
                if (in.read() != -1) {
                    throw new CorruptBodyException("decompressed body exceeds the max of " + maxBytes + " bytes (rpc.max-frame-length)");
                }
                finished = true;
            }
            return finished;
        } catch (IOException e) {
            throw new CorruptBodyException("bad gzip body: " + e.getMessage(), e);
        }
    }

    /** Inflates the rest of the body. */
    public void inflateAll() {
        inflateTo(Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        out.release();
        try {
            in.close();
        } catch (IOException e) {
            throw new IllegalStateException("closing an in-memory inflater failed", e); // no real I/O here
        }
    }
}
