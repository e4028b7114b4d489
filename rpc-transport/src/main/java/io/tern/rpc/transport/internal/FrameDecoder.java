package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.internal.Frame;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Splits the byte stream into {@link Frame}s. The header is validated as soon as its 16 bytes are in: a wrong
 * magic, unknown version or type, or a length outside [16, max] closes the connection before any body byte is
 * read, with a WARN line naming the peer, rate-limited per peer (SPEC §2, bad input).
 *
 * <p>A frame that spans reads must arrive at a minimum rate: within {@code frameTimeout + length / minRate} of its
 * header, or the connection is closed (checked whenever bytes arrive; a peer that goes silent meets the idle
 * timeout). Its announced length is reserved from the connection's {@link InboundBudget.Share} until it is
 * complete, so partial frames cannot hold more memory than the server's budget and the peer's share of it.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);
    private static final long DEFAULT_FRAME_TIMEOUT_NANOS = 10_000_000_000L;
    private static final int DEFAULT_MIN_RATE = 64 * 1024;

    private final int maxFrameLength;
    private final PeerLog peerLog;
    private final InboundBudget.Share budget;
    private final long frameTimeoutNanos;
    private final int minRate;
    private boolean rejected;
    /** The frame being received across reads: its length (0 when none), when its header came, what is reserved. */
    private int partialLength;
    private long partialSince;
    private long partialReserved;

    /** A decoder with the default frame rate (10 s plus 64 KiB/s), no byte budget, and a log of its own. */
    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, new PeerLog());
    }

    /** A client's decoder: the default frame rate (10 s plus 64 KiB/s), no byte budget. */
    public FrameDecoder(int maxFrameLength, PeerLog peerLog) {
        this(maxFrameLength, peerLog, null, DEFAULT_FRAME_TIMEOUT_NANOS, DEFAULT_MIN_RATE);
    }

    /**
     * @param peerLog           where rejections are logged, rate-limited per peer
     * @param budget            the connection's share of the inbound budget (null: none)
     * @param frameTimeoutNanos time any frame may take to arrive, on top of its length over {@code minRate}
     * @param minRate           slowest accepted arrival rate of a frame's bytes, in bytes per second
     */
    public FrameDecoder(int maxFrameLength, PeerLog peerLog, InboundBudget.Share budget, long frameTimeoutNanos, int minRate) {
        if (maxFrameLength < FrameHeader.LENGTH) {
            throw new IllegalArgumentException("max frame length must be at least " + FrameHeader.LENGTH + " bytes, was " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        this.peerLog = peerLog;
        this.budget = budget;
        this.frameTimeoutNanos = frameTimeoutNanos;
        this.minRate = minRate;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= FrameHeader.LENGTH) {
            int start = in.readerIndex();
            String problem = checkHeader(in, start);
            if (problem != null) {
                reject(ctx, in, problem);
                return;
            }
            int length = in.getInt(start + FrameHeader.OFFSET_LENGTH);
            if (in.readableBytes() < length) {
                awaitRest(ctx, in, length);
                return;
            }
            if (partialLength != 0) {
                completed();
            }
            byte type = in.getByte(start + FrameHeader.OFFSET_TYPE);
            byte codec = in.getByte(start + FrameHeader.OFFSET_CODEC);
            byte compress = in.getByte(start + FrameHeader.OFFSET_COMPRESS);
            int requestId = in.getInt(start + FrameHeader.OFFSET_REQUEST_ID);
            ByteBuf body = in.retainedSlice(start + FrameHeader.LENGTH, length - FrameHeader.LENGTH);
            in.skipBytes(length);
            out.add(Frame.of(type, codec, compress, requestId, body));
        }
    }

    /** A frame spans reads: reserve its length once, and close a connection whose frame arrives too slowly. */
    private void awaitRest(ChannelHandlerContext ctx, ByteBuf in, int length) {
        long now = System.nanoTime();
        if (partialLength == 0) {
            partialLength = length;
            partialSince = now;
            if (budget != null) {
                if (!budget.reserve(length)) {
                    reject(ctx, in, "a frame of " + length + " bytes would exceed the server's budget of buffered inbound bytes"
                            + " or this peer's share of it (rpc.server.max-buffered-bytes)");
                    return;
                }
                partialReserved = length;
            }
            return;
        }
        long allowed = frameTimeoutNanos + length * 1_000_000_000L / minRate;
        if (now - partialSince > allowed) {
            reject(ctx, in, "a frame of " + length + " bytes has taken " + (now - partialSince) / 1_000_000 + " ms with "
                    + in.readableBytes() + " bytes in: slower than the minimum rate (rpc.server.frame-timeout "
                    + frameTimeoutNanos / 1_000_000 + " ms plus 1 s per rpc.server.min-frame-rate " + minRate + " bytes)");
            return;
        }
        presize(in, length);
    }

    /**
     * Grows the cumulation once to hold the whole frame, so a large frame is not copied into a buffer twice its size
     * step after step as its reads arrive (Netty's merge cumulator then writes each read into the room made here).
     * Only once a quarter of the frame is in: memory follows the bytes a peer really sent (at most 4x them, where
     * doubling growth holds at most 2x), never a length it merely announced. Only a buffer no frame slice shares: a
     * slice handed to another thread must not see its memory move.
     */
    private static void presize(ByteBuf in, int length) {
        int missing = length - in.readableBytes();
        if (missing > 0 && in.readableBytes() >= length / 4 && in.writableBytes() < missing
                && in.refCnt() == 1 && !in.isReadOnly() && in.maxWritableBytes() >= missing) {
            in.capacity(in.writerIndex() + missing); // exactly: ensureWritable would round 1 MiB + 16 up to 2 MiB
        }
    }

    private void completed() {
        partialLength = 0;
        if (partialReserved != 0) {
            budget.release(partialReserved);
            partialReserved = 0;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        completed();
    }

    private String checkHeader(ByteBuf in, int start) {
        int magic = in.getInt(start);
        if (magic != FrameHeader.MAGIC) {
            return String.format("bad magic 0x%08X (expected 0x%08X \"TERN\")", magic, FrameHeader.MAGIC);
        }
        byte version = in.getByte(start + FrameHeader.OFFSET_VERSION);
        if (version != FrameHeader.VERSION) {
            return "unsupported protocol version " + version + " (this side speaks version " + FrameHeader.VERSION + ")";
        }
        byte type = in.getByte(start + FrameHeader.OFFSET_TYPE);
        if (!MessageType.isKnown(type)) {
            return "unknown message type " + type;
        }
        long length = in.getUnsignedInt(start + FrameHeader.OFFSET_LENGTH);
        if (length < FrameHeader.LENGTH || length > maxFrameLength) {
            return "frame length " + length + " outside [" + FrameHeader.LENGTH + ", " + maxFrameLength + "] (max frame length)";
        }
        return null;
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, String problem) {
        rejected = true;
        completed();
        in.skipBytes(in.readableBytes());
        String peer = peer(ctx.channel().remoteAddress());
        peerLog.warn(log, peer, "Closing connection from " + peer + ": " + problem);
        ctx.close();
    }

    /** Formats a socket address as {@code host:port}. */
    public static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
