package io.tern.rpc.protocol.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.DecodeBudget;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.ValueCodec;
import io.tern.rpc.testsupport.DocTables;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/protocol.md against the code: header offsets, message types, status codes, limits, and the example frames byte for byte. */
class ProtocolDocTest {
    private static final List<String> DOC = DocTables.lines("protocol.md");

    @Test
    void headerTableGivesFrameHeaderOffsets() {
        Map<String, Integer> expected = Map.of("magic", 0, "version", FrameHeader.OFFSET_VERSION, "length", FrameHeader.OFFSET_LENGTH,
                "type", FrameHeader.OFFSET_TYPE, "codec", FrameHeader.OFFSET_CODEC, "compress", FrameHeader.OFFSET_COMPRESS,
                "request id", FrameHeader.OFFSET_REQUEST_ID, "body", FrameHeader.LENGTH);
        List<List<String>> rows = DocTables.table(DOC, "Frame header");
        Map<String, Integer> documented = new TreeMap<>();
        int next = 0;
        for (List<String> row : rows) {
            int offset = Integer.parseInt(row.get(0));
            assertEquals(next, offset, "field '" + row.get(2) + "' does not start where the previous one ends");
            documented.put(DocTables.code(row.get(2)), offset);
            if (!row.get(2).contains("body")) {
                next = offset + Integer.parseInt(row.get(1));
            }
        }
        assertEquals(new TreeMap<>(expected), documented);
        assertTrue(rows.get(0).get(3).contains(String.format("0x%08X", FrameHeader.MAGIC)), "magic value");
        assertTrue(rows.get(1).get(3).startsWith("`" + FrameHeader.VERSION + "`"), "version value");
    }

    @Test
    void messageTypeTableListsEveryMessageType() throws IllegalAccessException {
        Map<String, Integer> code = new TreeMap<>();
        for (Field f : MessageType.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == byte.class) {
                code.put(f.getName(), (int) f.getByte(null));
            }
        }
        Map<String, Integer> documented = new TreeMap<>();
        for (List<String> row : DocTables.table(DOC, "Message types")) {
            documented.put(DocTables.code(row.get(1)), Integer.parseInt(row.get(0)));
        }
        assertEquals(code, documented);
    }

    @Test
    void statusTableListsEveryStatusWithWhetherItNeverRan() {
        Map<String, String> code = new TreeMap<>();
        for (Status s : Status.values()) {
            code.put(s.name(), s.code() + " " + (s.neverRan() ? "yes" : "no"));
        }
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : DocTables.table(DOC, "Status codes")) {
            documented.put(DocTables.code(row.get(1)), Integer.parseInt(row.get(0)) + " " + row.get(2).split("\\W")[0]);
        }
        assertEquals(code, documented);
    }

    @Test
    void limitsTableGivesTheConstantsValues() throws ReflectiveOperationException {
        Map<String, Class<?>> classes = Map.of("Attachments", Attachments.class, "MessageCodec", MessageCodec.class,
                "DecodeBudget", DecodeBudget.class, "FrameHeader", FrameHeader.class, "RpcResponse.RemoteError", RpcResponse.RemoteError.class,
                "Compression", Compression.class);
        for (List<String> row : DocTables.table(DOC, "Limits")) {
            String constant = DocTables.code(row.get(2));
            int dot = constant.lastIndexOf('.');
            Class<?> owner = classes.get(constant.substring(0, dot));
            assertTrue(owner != null, "unknown class in " + constant);
            Field f = owner.getDeclaredField(constant.substring(dot + 1));
            f.setAccessible(true);
            long documented = Long.parseLong(DocTables.code(row.get(1)).split("\\s")[0].replace("`", ""));
            assertEquals(((Number) f.get(null)).longValue(), documented, row.get(0) + " (" + constant + ")");
        }
    }

    /** The shape of the example's argument: its class name never travels, only its fields in declaration order. */
    static final class Greeting {
        String name;
        int times;
    }

    @Test
    void exampleFramesAreWhatTheCodecWrites() throws Exception {
        Serializer protostuff = Serializers.protostuff();
        Greeting g = new Greeting();
        g.name = "Ann";
        g.times = 2;
        RpcRequest request = new RpcRequest("com.example.Greeter:1.0", "greet", new String[]{"com.example.Greeting"}, new Object[]{g},
                Attachments.ofCall(3000, 0, false));
        ByteBuf req = MessageCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 7, protostuff, Compression.NONE, request,
                new ValueCodec[]{protostuff.codecFor(Greeting.class)});
        ByteBuf ok = MessageCodec.encodeResponse(UnpooledByteBufAllocator.DEFAULT, 7, protostuff, Compression.NONE,
                RpcResponse.ok("Hello, Ann!"), protostuff.codecFor(String.class));
        ByteBuf busy = MessageCodec.encodeResponse(UnpooledByteBufAllocator.DEFAULT, 8, protostuff, Compression.NONE,
                RpcResponse.status(Status.SERVER_BUSY, "busy"), null);
        try {
            assertEquals(ByteBufUtil.hexDump(req), hex("example-frame: request"), "REQUEST example");
            assertEquals(ByteBufUtil.hexDump(ok), hex("example-frame: response"), "RESPONSE example");
            assertEquals(ByteBufUtil.hexDump(busy), hex("example-frame: refusal"), "refusal example");
        } finally {
            req.release();
            ok.release();
            busy.release();
        }
    }

    /** The bytes of an example block: on each line, the hex pairs before the '|' that starts its comment. */
    private static String hex(String marker) {
        StringBuilder sb = new StringBuilder();
        for (String line : DocTables.block(DOC, marker)) {
            int bar = line.indexOf('|');
            sb.append((bar < 0 ? line : line.substring(0, bar)).replaceAll("\\s", "").toLowerCase());
        }
        return sb.toString();
    }
}
