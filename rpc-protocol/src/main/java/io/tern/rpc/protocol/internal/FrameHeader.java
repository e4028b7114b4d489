package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Layout of the 16-byte frame header (SPEC §2) and helpers to write it. All integers are big-endian.
 *
 * <pre>
 * 0 magic "TERN" | 4 version | 5 full length | 9 type | 10 codec | 11 compress | 12 request id | 16 body
 * </pre>
 */
public final class FrameHeader {
    public static final int MAGIC = 0x5445524E; // "TERN"
    public static final byte VERSION = 1;
    public static final int LENGTH = 16;
    public static final int DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;

    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_LENGTH = 5;
    public static final int OFFSET_TYPE = 9;
    public static final int OFFSET_CODEC = 10;
    public static final int OFFSET_COMPRESS = 11;
    public static final int OFFSET_REQUEST_ID = 12;

    public static final byte CODEC_NONE = 0;
    public static final byte COMPRESS_NONE = 0;
    public static final byte COMPRESS_GZIP = 1;

    private FrameHeader() {
    }

    /**
     * Writes a header whose length field is a placeholder; call {@link #finish(ByteBuf, int)} once the body is
     * written. Returns the writer index where the frame starts.
     */
    public static int begin(ByteBuf out, byte type, byte codec, byte compress, int requestId) {
        int start = out.writerIndex();
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeInt(0);
        out.writeByte(type);
        out.writeByte(codec);
        out.writeByte(compress);
        out.writeInt(requestId);
        return start;
    }

    /** Fills in the length field of a frame started at {@code start}, now that its body is written. */
    public static void finish(ByteBuf out, int start) {
        out.setInt(start + OFFSET_LENGTH, out.writerIndex() - start);
    }

    /** A complete body-less frame: PING, PONG or GOAWAY. */
    public static ByteBuf control(ByteBufAllocator alloc, byte type, int requestId) {
        ByteBuf buf = alloc.ioBuffer(LENGTH, LENGTH);
        int start = begin(buf, type, CODEC_NONE, COMPRESS_NONE, requestId);
        finish(buf, start);
        return buf;
    }
    /**
     * Ends a frame started at {@code start} in {@code buf}: fills in its length, or, when {@code compression} applies to
     * the body's size, returns a new frame with the body compressed and releases {@code buf}.
     */
    static ByteBuf finishFrame(ByteBufAllocator alloc, ByteBuf buf, int start, Compression compression) {
        int bodyLength = buf.writerIndex() - start - LENGTH;
        if (!compression.appliesTo(bodyLength)) {
            finish(buf, start);
            return buf;
        }
        ByteBuf compressed = alloc.ioBuffer(LENGTH + bodyLength / 2);
        try {
            compressed.writeBytes(buf, start, LENGTH);
            compressed.setByte(OFFSET_COMPRESS, compression.id());
            Compression.gzipInto(buf, start + LENGTH, bodyLength, compressed);
            finish(compressed, 0);
            return compressed;
        } catch (RuntimeException e) {
            compressed.release();
            throw e;
        } finally {
            buf.release();
        }
    }
}
