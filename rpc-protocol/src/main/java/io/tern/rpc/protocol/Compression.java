package io.tern.rpc.protocol;

import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.Inflation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.tern.rpc.protocol.serialize.CorruptBodyException;

import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Body compression. GZIP applies only to bodies of at least {@code threshold} bytes (small bodies are not worth
 * it); decompression stops at a cap so a small zip bomb cannot inflate past the max frame length.
 */
public final class Compression {
    public static final Compression NONE = new Compression(FrameHeader.COMPRESS_NONE, Integer.MAX_VALUE);
    public static final int DEFAULT_THRESHOLD = 1024;

    private final byte id;
    private final int threshold;

    private Compression(byte id, int threshold) {
        this.id = id;
        this.threshold = threshold;
    }

    public static Compression gzip(int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("compression threshold must be >= 0 bytes, was " + threshold);
        }
        return new Compression(FrameHeader.COMPRESS_GZIP, threshold);
    }

    /** {@code none} or {@code gzip}; the error lists the accepted names. */
    public static Compression byName(String name, int threshold) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "none" -> NONE;
            case "gzip" -> gzip(threshold);
            default -> throw new IllegalArgumentException("unknown compression '" + name + "': use none or gzip");
        };
    }

    public byte id() {
        return id;
    }

    public boolean appliesTo(int bodyLength) {
        return id != FrameHeader.COMPRESS_NONE && bodyLength >= threshold;
    }

    /** GZIP-compresses {@code length} bytes of {@code src} from {@code index} into {@code out}. */
    public static void gzipInto(ByteBuf src, int index, int length, ByteBuf out) {
        try (GZIPOutputStream gz = new GZIPOutputStream(new ByteBufOutputStream(out), 4096)) {
            src.getBytes(index, gz, length);
        } catch (IOException e) {
            throw new IllegalStateException("gzip into a memory buffer failed", e); // no real I/O here
        }
    }

    /**
     * Decompresses a body per its compress byte. Returns a new buffer the caller releases, or throws
     * {@link CorruptBodyException} for an unknown compress value, bad gzip data or an output over {@code maxBytes}.
     */
    public static ByteBuf decompress(byte compress, ByteBuf body, int maxBytes, ByteBufAllocator alloc) {
        Inflation inflation = Inflation.start(compress, body, maxBytes, alloc);
        try {
            inflation.inflateAll();
            return inflation.output().retain();
        } finally {
            inflation.close();
        }
    }
}
