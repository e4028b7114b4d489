package io.tern.rpc.transport;

import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.FrameHeader;
import io.tern.rpc.protocol.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.Varints;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Tree;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-free fuzzing of a live server: random and mutated valid frames, truncations, oversized and wrong-magic
 * headers, bad gzip, deeply nested bodies and million-element collection headers, for a bounded time
 * ({@code -Dtern.fuzz.seconds}, 8 by default; run longer on demand). The server must not lose a thread, leak a
 * buffer (paranoid leak detection), load a class off the allow-list, or stop serving a well-behaved client.
 */
class FuzzTest {
    static final long SECONDS = Long.getLong("tern.fuzz.seconds", 8);
    static final int MAX_FRAME = 1024 * 1024;

    @Test
    void serverSurvivesHostileInputAndKeepsServing() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        long seed = Long.getLong("tern.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        try (RpcServer server = new RpcServer(ServerConfig.builder().host("127.0.0.1").port(0).maxFrameLength(MAX_FRAME)
                .idleTimeout(java.time.Duration.ofSeconds(5)).build())) {
            server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
            server.export(ExportedService.of(Tree.class, new Tree.Impl(), "", "", ExportedService.ExecutionMode.DIRECT));
            server.start();
            List<byte[]> corpus = corpus();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            int connections = 0;
            long frames = 0;
            while (System.nanoTime() < end) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(3_000);
                    int n = 1 + random.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        s.getOutputStream().write(hostile(random, corpus));
                        frames++;
                    }
                    s.shutdownOutput();
                    drain(s.getInputStream());
                } catch (IOException e) {
                    // the server may close a connection mid-write: that is an allowed answer to garbage
                }
                connections++;
            }
            System.out.printf("fuzz: seed %d, %d s, %d connections, %d hostile frames%n", seed, SECONDS, connections, frames);

            assertTrue(uncaught.isEmpty(), "threads died (seed " + seed + "): " + uncaught);
            assertNull(System.getProperty("tern.transport.evil"), "a class off the allow-list was initialised (seed " + seed + ")");
            try (RpcClient client = new RpcClient(ClientConfig.defaults())) {
                var r = Calls.hello(client.connection("127.0.0.1", server.port()), "after fuzz", 5_000).get(10, TimeUnit.SECONDS);
                assertEquals("hello after fuzz", r.result(), "a well-behaved client is still served (seed " + seed + ")");
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** Valid frames to mutate: every codec, compression, control frames, nested and collection-heavy bodies. */
    static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(Wire.hello(1, "fuzz"));
        c.add(Wire.ping(2));
        c.add(Wire.request(3, Serializers.kryo(), "hello", new Class<?>[]{String.class}, new Object[]{"k"}, Map.of()));
        Greeter.Person p = new Greeter.Person("ada", 36);
        p.tags = List.of("x", "y");
        p.home = new Greeter.Point(1, 2);
        c.add(Wire.request(4, Serializers.protostuff(), "echoPerson", new Class<?>[]{Greeter.Person.class}, new Object[]{p}, Map.of("deadline-ms", "1000")));
        c.add(Wire.request(5, Serializers.kryo(), "echoPerson", new Class<?>[]{Greeter.Person.class}, new Object[]{p}, Map.of()));
        c.add(Wire.request(6, Serializers.kryo(), "groups", new Class<?>[]{Set.class}, new Object[]{Set.of("a", "bb")}, Map.of()));
        MethodCodecs large = Wire.codecs("echoLarge", String.class);
        c.add(Wire.request(7, Serializers.protostuff(), Compression.gzip(16),
                new RpcRequest(Wire.GREETER, "echoLarge", large.descriptors(), new Object[]{"z".repeat(5000)}, Map.of()),
                large.argCodecs(Serializers.protostuff())));
        return c;
    }

    static byte[] hostile(Random r, List<byte[]> corpus) {
        byte[] base = corpus.get(r.nextInt(corpus.size())).clone();
        switch (r.nextInt(9)) {
            case 0 -> { // flip bytes in the body
                for (int i = 0, n = 1 + r.nextInt(6); i < n && base.length > FrameHeader.LENGTH; i++) {
                    base[FrameHeader.LENGTH + r.nextInt(base.length - FrameHeader.LENGTH)] ^= (byte) (1 + r.nextInt(255));
                }
                return base;
            }
            case 1 -> { // flip a header byte (magic, version, type, codec, compress, id)
                int[] offsets = {0, 3, 4, 9, 10, 11, 13};
                base[offsets[r.nextInt(offsets.length)]] ^= (byte) (1 + r.nextInt(255));
                return base;
            }
            case 2 -> { // truncate, with the length field still claiming the full frame
                return java.util.Arrays.copyOf(base, r.nextInt(base.length));
            }
            case 3 -> { // oversized length
                return Wire.header(FrameHeader.MAGIC, 1, MAX_FRAME + 1 + r.nextInt(1 << 20), MessageType.REQUEST, 1, 0, 9);
            }
            case 4 -> { // random bytes
                byte[] junk = new byte[r.nextInt(200)];
                r.nextBytes(junk);
                return junk;
            }
            case 5 -> { // bad gzip
                byte[] junk = new byte[1 + r.nextInt(100)];
                r.nextBytes(junk);
                return Wire.frame(MessageType.REQUEST, 1, 1, 11, junk);
            }
            case 6 -> {
                return deeplyNested(50_000 + r.nextInt(150_000));
            }
            case 7 -> {
                return millionElementSet(r.nextBoolean());
            }
            default -> { // a valid frame with a random length field
                java.nio.ByteBuffer.wrap(base).putInt(FrameHeader.OFFSET_LENGTH, r.nextInt(base.length + 64));
                return base;
            }
        }
    }

    /** Tree.depth(Node) whose protostuff argument nests groups {@code depth} deep (2 bytes a level). */
    static byte[] deeplyNested(int depth) {
        ByteBuf body = Unpooled.buffer();
        Varints.writeString(body, Tree.class.getName());
        Varints.writeString(body, "depth");
        Varints.writeVarint(body, 1);
        Varints.writeString(body, Tree.Node.class.getName());
        Varints.writeVarint(body, 0);
        body.writeByte(1); // present
        Varints.writeVarint(body, 2 * depth);
        for (int i = 0; i < depth; i++) {
            body.writeByte(0x0B); // field 1 (next), start group
        }
        for (int i = 0; i < depth; i++) {
            body.writeByte(0x0C); // end group
        }
        byte[] b = ByteBufUtil.getBytes(body);
        body.release();
        return Wire.frame(MessageType.REQUEST, 1, 0, 21, b);
    }

    /** groups(Set) whose collection header announces a million elements in a body of a few bytes. */
    static byte[] millionElementSet(boolean kryo) {
        ByteBuf body = Unpooled.buffer();
        Varints.writeString(body, Wire.GREETER);
        Varints.writeString(body, "groups");
        Varints.writeVarint(body, 1);
        Varints.writeString(body, Set.class.getName());
        Varints.writeVarint(body, 0);
        if (kryo) {
            body.writeByte(100 + 14 + 2); // a registered class id near the JDK set ids, then a huge size
            Varints.writeVarint(body, 1_000_000);
        } else {
            body.writeByte(1);
            Varints.writeVarint(body, 1_000_000);
        }
        body.writeBytes(new byte[]{1, 2, 3});
        byte[] b = ByteBufUtil.getBytes(body);
        body.release();
        return Wire.frame(MessageType.REQUEST, kryo ? 2 : 1, 0, 22, b);
    }

    static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        while (in.read(buf) != -1) {
            // discard whatever the server answers; it must end by closing once we half-closed
        }
    }
}
