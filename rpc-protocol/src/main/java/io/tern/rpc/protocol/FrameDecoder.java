package io.tern.rpc.protocol;

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
 * read, with one WARN line naming the peer (SPEC §2, bad input).
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxFrameLength;
    private boolean rejected;

    public FrameDecoder(int maxFrameLength) {
        if (maxFrameLength < FrameHeader.LENGTH) {
            throw new IllegalArgumentException("max frame length must be at least " + FrameHeader.LENGTH + " bytes, was " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
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
                return;
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
        in.skipBytes(in.readableBytes());
        log.warn("Closing connection from {}: {}", peer(ctx.channel().remoteAddress()), problem);
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
