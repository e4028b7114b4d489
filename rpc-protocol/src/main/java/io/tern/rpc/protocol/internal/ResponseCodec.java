package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.protocol.serialize.Varints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tern.rpc.protocol.internal.MessageCodec.MAX_STACK_FRAMES;

/**
 * RESPONSE bodies, in the layout {@link MessageCodec} documents: the status byte, the attachments, then the
 * result of an OK response or the chain of remote errors with their stack frames.
 */
final class ResponseCodec {
    private ResponseCodec() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, int requestId, Serializer serializer, Compression compression,
                          RpcResponse response, ValueCodec resultCodec) throws Exception {
        ByteBuf buf = alloc.ioBuffer(resultCodec == null || response.status() != Status.OK ? 128 : 128 + resultCodec.sizeHint());
        try {
            int start = FrameHeader.begin(buf, MessageType.RESPONSE, serializer.id(), FrameHeader.COMPRESS_NONE, requestId);
            buf.writeByte(response.status().code());
            AttachmentsCodec.write(buf, response.attachments());
            if (response.status() == Status.OK) {
                resultCodec.write(buf, response.result());
            } else {
                writeErrors(buf, response.errors());
            }
            return FrameHeader.finishFrame(alloc, buf, start, compression);
        } catch (Exception | Error e) {
            buf.release();
            throw e;
        }
    }

    private static void writeErrors(ByteBuf buf, List<RpcResponse.RemoteError> errors) {
        Varints.writeVarint(buf, errors.size());
        for (RpcResponse.RemoteError e : errors) {
            Varints.writeString(buf, e.className());
            Varints.writeString(buf, e.message());
            StackTraceElement[] st = e.stackTrace();
            int n = Math.min(st.length, MAX_STACK_FRAMES);
            Varints.writeVarint(buf, n);
            for (int i = 0; i < n; i++) {
                Varints.writeString(buf, st[i].getClassName());
                Varints.writeString(buf, st[i].getMethodName());
                Varints.writeString(buf, st[i].getFileName());
                Varints.writeVarint(buf, st[i].getLineNumber() + 2); // -2 marks a native method
            }
        }
    }

    static RpcResponse decode(ByteBuf body, ValueCodec resultCodec) {
        long previous = DecodeBudget.open(body.readableBytes());
        try {
            Status status = Status.ofCode(body.readByte());
            if (status == null) {
                throw new CorruptBodyException("unknown response status");
            }
            Map<String, String> attachments = AttachmentsCodec.read(body);
            if (status == Status.OK) {
                return new RpcResponse(status, resultCodec.read(body), List.of(), attachments);
            }
            return new RpcResponse(status, null, readErrors(body), attachments);
        } catch (Exception | StackOverflowError e) {
            throw MessageCodec.undecodable(e, "response body", "response");
        } finally {
            DecodeBudget.close(previous);
        }
    }

    private static List<RpcResponse.RemoteError> readErrors(ByteBuf body) {
        // a peer may send any number of chained errors; keep the first few (rebuilding recurses per entry)
        int n = Math.min(Varints.readCount(body), RpcResponse.RemoteError.MAX_CHAIN);
        List<RpcResponse.RemoteError> errors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String cls = Varints.readString(body);
            String msg = Varints.readString(body);
            int frames = Varints.readVarint(body);
            if (frames < 0 || frames > MAX_STACK_FRAMES) {
                throw new CorruptBodyException("response error " + i + " announces " + (frames & 0xFFFFFFFFL) + " stack frames, over the limit of "
                        + MAX_STACK_FRAMES);
            }
            StackTraceElement[] st = new StackTraceElement[frames];
            for (int f = 0; f < frames; f++) {
                String declaring = Varints.readString(body);
                String method = Varints.readString(body);
                String file = Varints.readString(body);
                int line = Varints.readVarint(body) - 2;
                st[f] = new StackTraceElement(declaring == null ? "?" : declaring, method == null ? "?" : method, file, line);
            }
            errors.add(new RpcResponse.RemoteError(cls, msg, st));
        }
        return errors;
    }
}
