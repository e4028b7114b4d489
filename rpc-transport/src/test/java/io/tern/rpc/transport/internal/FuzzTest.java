package io.tern.rpc.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.FrameHeader;
import io.tern.rpc.protocol.internal.MessageType;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.protocol.serialize.Varints;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.Tree;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
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
 * Coverage-free fuzzing of a live server that decodes both codecs. First, every byte position of every valid
 * uncompressed request body (protostuff and Kryo) gets a varint near 2^31 written over it or inserted at it, so
 * every count and length the decoders read announces a huge size: each such frame keeps a valid header, so it must
 * be answered (BAD_REQUEST, or a status for whatever the mutated body still names) on a connection that stays
 * open. Then, for a bounded time ({@code -Dtern.fuzz.seconds}, 8 by default), random and mutated valid frames,
 * truncations, oversized and wrong-magic headers, bad gzip, huge sizes at random places, bodies nested tens of
 * thousands deep in both codecs, and million-element collection headers. Throughout, a PING on a fresh connection
 * is answered, no thread dies, no buffer leaks (paranoid leak detection), no class off the allow-list is loaded,
 * no response is INTERNAL_ERROR, and a well-behaved client is still served at the end.
 */
class FuzzTest {
    static final long SECONDS = Long.getLong("tern.fuzz.seconds", 8);
    static final int MAX_FRAME = 1024 * 1024;
    /** A fresh connection's PING must be answered within this, on a loaded 2-core machine: normally it takes ~1 ms. */
    static final long PING_BOUND_MS = 2_000;
    /** Varints a hostile peer puts where a count or length goes: near 2^31, 2^30, 2^28, and -1 (2^32 - 1 unsigned). */
    static final int[] HUGE = {Integer.MAX_VALUE, Integer.MAX_VALUE - 15, 1 << 30, -1, 2_000_000_000, 1 << 28};
    static final int BATCH = 32;

    @Test
    void serverSurvivesHostileInputAndKeepsServing() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        long seed = Long.getLong("tern.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> failures = new CopyOnWriteArrayList<>();
        try (TransportServer server = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).maxFrameLength(MAX_FRAME)
                .serializations("protostuff", "kryo") // both codecs enabled: Kryo bodies are really decoded
                .idleTimeout(java.time.Duration.ofSeconds(5)).build())) {
            server.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
            server.export(ExportedService.of(Tree.class, new Tree.Impl(), "", "", ExportedService.ExecutionMode.DIRECT));
            server.start();
            List<byte[]> corpus = corpus();

            // 1. a huge size at every position of every uncompressed request body, both codecs
            List<byte[]> huge = hugeSizeAtEveryPosition(corpus);
            Map<Status, Integer> statuses = new EnumMap<>(Status.class);
            long t0 = System.nanoTime();
            for (int from = 0; from < huge.size(); from += BATCH) {
                List<byte[]> batch = huge.subList(from, Math.min(huge.size(), from + BATCH));
                exchangeExpectingAnAnswerEach(server.port(), batch, statuses, failures);
            }
            pingOnAFreshConnection(server.port(), failures);
            System.out.printf("fuzz: %d huge-size frames in %d ms, answers %s%n", huge.size(), (System.nanoTime() - t0) / 1_000_000, statuses);
            assertTrue(failures.isEmpty(), "huge-size frames: " + failures.subList(0, Math.min(10, failures.size())));
            assertEquals(huge.size(), statuses.values().stream().mapToInt(Integer::intValue).sum(), "one answer per frame");
            assertTrue(statuses.getOrDefault(Status.BAD_REQUEST, 0) >= huge.size() / 4,
                    "most huge sizes are refused as BAD_REQUEST: " + statuses);

            // 2. random hostile input for a bounded time
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            long nextPing = System.nanoTime();
            int connections = 0;
            long frames = 0;
            Map<Status, Integer> randomStatuses = new EnumMap<>(Status.class);
            while (System.nanoTime() < end) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(3_000);
                    int n = 1 + random.nextInt(8);
                    try {
                        for (int i = 0; i < n; i++) {
                            s.getOutputStream().write(hostile(random, corpus));
                            frames++;
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // the server may close a connection mid-write: that is an allowed answer to garbage
                    }
                    drain(s.getInputStream(), randomStatuses, failures);
                }
                connections++;
                if (System.nanoTime() - nextPing > 0) {
                    pingOnAFreshConnection(server.port(), failures);
                    nextPing = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
            System.out.printf("fuzz: seed %d, %d s, %d connections, %d hostile frames, answers %s%n", seed, SECONDS, connections, frames,
                    randomStatuses);

            assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures.subList(0, Math.min(10, failures.size())));
            assertTrue(uncaught.isEmpty(), "threads died (seed " + seed + "): " + uncaught);
            assertNull(System.getProperty("tern.transport.evil"), "a class off the allow-list was initialised (seed " + seed + ")");
            try (TransportClient client = new TransportClient(ClientConfig.defaults())) {
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
        for (Serializer s : new Serializer[]{Serializers.protostuff(), Serializers.kryo()}) {
            c.add(Wire.request(8, s, "groups", new Class<?>[]{Set.class}, new Object[]{Set.of("a", "bb", "ccc")},
                    Map.of("deadline-ms", "1000", "trace", "t-1")));
            c.add(Wire.request(9, s, "total", new Class<?>[]{List.class}, new Object[]{List.of(new BigDecimal("12.50"), BigDecimal.TEN)}, Map.of()));
            c.add(Wire.request(10, s, "reverse", new Class<?>[]{byte[].class}, new Object[]{new byte[]{1, 2, 3, 4}}, Map.of()));
        }
        return c;
    }

    static byte[] varint(int value) {
        ByteBuf b = Unpooled.buffer(5);
        try {
            Varints.writeVarint(b, value);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** {@code body} with {@code replaced} bytes at {@code at} replaced by {@code with} (past the end: appended). */
    static byte[] splice(byte[] body, int at, int replaced, byte[] with) {
        int tail = Math.max(0, body.length - at - replaced);
        byte[] out = Arrays.copyOf(body, at + with.length + tail);
        System.arraycopy(with, 0, out, at, with.length);
        if (tail > 0) {
            System.arraycopy(body, at + replaced, out, at + with.length, tail);
        }
        return out;
    }

    /**
     * For each uncompressed request of the corpus and each body position: a varint near 2^31 written over the bytes
     * there, and one inserted in place of the byte there; request ids count up from 1.
     */
    static List<byte[]> hugeSizeAtEveryPosition(List<byte[]> corpus) {
        List<byte[]> frames = new ArrayList<>();
        int k = 0;
        for (byte[] frame : corpus) {
            if (frame[FrameHeader.OFFSET_TYPE] != MessageType.REQUEST || frame[FrameHeader.OFFSET_COMPRESS] != FrameHeader.COMPRESS_NONE) {
                continue;
            }
            byte[] body = Wire.body(frame);
            for (int at = 0; at < body.length; at++) {
                byte[] v = varint(HUGE[k++ % HUGE.length]);
                frames.add(Wire.frame(MessageType.REQUEST, frame[FrameHeader.OFFSET_CODEC], 0, frames.size() + 1, splice(body, at, v.length, v)));
                v = varint(HUGE[k++ % HUGE.length]);
                frames.add(Wire.frame(MessageType.REQUEST, frame[FrameHeader.OFFSET_CODEC], 0, frames.size() + 1, splice(body, at, 1, v)));
            }
        }
        return frames;
    }

    /**
     * Sends {@code frames} (valid headers, hostile bodies) on one connection and reads one RESPONSE per frame: the
     * server must answer each and keep the connection open (SPEC §2: a body that cannot be decoded is BAD_REQUEST).
     */
    static void exchangeExpectingAnAnswerEach(int port, List<byte[]> frames, Map<Status, Integer> statuses, List<String> failures)
            throws IOException {
        Set<Integer> waiting = new HashSet<>();
        for (byte[] f : frames) {
            waiting.add(java.nio.ByteBuffer.wrap(f).getInt(FrameHeader.OFFSET_REQUEST_ID));
        }
        int firstId = java.nio.ByteBuffer.wrap(frames.get(0)).getInt(FrameHeader.OFFSET_REQUEST_ID);
        try (RawConnection c = new RawConnection(port)) {
            // a liveness check (latency is the fresh-connection PING's job): generous, for a cold JVM on a loaded machine
            c.socket().setSoTimeout(10_000);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            frames.forEach(all::writeBytes);
            c.send(all.toByteArray());
            while (!waiting.isEmpty()) {
                RawFrame f = c.readFrame();
                if (f.type() != MessageType.RESPONSE || !waiting.remove(f.requestId())) {
                    failures.add("unexpected " + f + " in the batch from id " + firstId);
                    return;
                }
                Status s = statusOf(f);
                statuses.merge(s == null ? Status.INTERNAL_ERROR : s, 1, Integer::sum);
                if (s == null || s == Status.INTERNAL_ERROR) {
                    failures.add("request " + f.requestId() + " answered " + f + ": " + describe(frames, firstId, f.requestId()));
                }
            }
        } catch (SocketTimeoutException e) {
            failures.add("no answer within 10 s to requests " + waiting + " of the batch from id " + firstId + ", e.g. "
                    + describe(frames, firstId, waiting.iterator().next()));
        } catch (EOFException e) {
            failures.add("connection closed with requests " + waiting + " unanswered (batch from id " + firstId + ")");
        }
    }

    private static String describe(List<byte[]> frames, int firstId, int id) {
        byte[] f = frames.get(id - firstId);
        return ByteBufUtil.hexDump(f, 0, Math.min(f.length, 160));
    }

    /** The status of a RESPONSE frame, or null if it has none (this server compresses nothing). */
    static Status statusOf(RawFrame f) {
        if (f.compress() != FrameHeader.COMPRESS_NONE || f.body().length == 0) {
            return null;
        }
        return Status.ofCode(f.body()[0]);
    }

    /** A PING on a new connection must be answered within {@link #PING_BOUND_MS}. */
    static void pingOnAFreshConnection(int port, List<String> failures) {
        long t0 = System.nanoTime();
        try (RawConnection c = new RawConnection(port)) {
            c.socket().setSoTimeout((int) PING_BOUND_MS);
            c.ping(77);
        } catch (IOException | AssertionError e) {
            failures.add("PING on a fresh connection failed: " + e);
            return;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > PING_BOUND_MS) {
            failures.add("PING on a fresh connection took " + ms + " ms");
        }
    }

    static byte[] hostile(Random r, List<byte[]> corpus) {
        byte[] base = corpus.get(r.nextInt(corpus.size())).clone();
        switch (r.nextInt(12)) {
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
                return Arrays.copyOf(base, r.nextInt(base.length));
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
            case 8, 9 -> { // a huge size somewhere in a body, in either codec
                if (base[FrameHeader.OFFSET_TYPE] != MessageType.REQUEST || base.length == FrameHeader.LENGTH) {
                    return base;
                }
                byte[] body = Wire.body(base);
                byte[] v = varint(HUGE[r.nextInt(HUGE.length)]);
                int at = r.nextInt(body.length);
                byte[] mutated = splice(body, at, r.nextBoolean() ? 1 : v.length, v);
                return Wire.frame(MessageType.REQUEST, base[FrameHeader.OFFSET_CODEC], base[FrameHeader.OFFSET_COMPRESS], 23, mutated);
            }
            case 10 -> {
                return kryoDeeplyNested(20_000 + r.nextInt(80_000));
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

    private static volatile byte[][] kryoChain;

    /** Tree.depth(Node) as Kryo writes it, with the per-level bytes of a Node chain repeated {@code depth} times. */
    static byte[] kryoDeeplyNested(int depth) {
        byte[][] parts = kryoChain;
        if (parts == null) {
            parts = kryoChainParts();
            kryoChain = parts;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(parts[0]);
        for (int i = 0; i < depth; i++) {
            body.writeBytes(parts[1]);
        }
        return Wire.frame(MessageType.REQUEST, 2, 0, 24, body.toByteArray());
    }

    /**
     * The Kryo request body of a Node chain, split into a prefix ending inside the chain and the bytes one more level
     * adds there: each extra level moves the first difference between chains of depth d and d + 1 by that many bytes.
     */
    private static byte[][] kryoChainParts() {
        MethodCodecs depth;
        try {
            depth = new MethodCodecs(Tree.class.getMethod("depth", Tree.Node.class));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        byte[][] bodies = new byte[3][];
        for (int d = 3; d <= 5; d++) {
            Tree.Node head = null;
            for (int i = 0; i < d; i++) {
                Tree.Node n = new Tree.Node();
                n.next = head;
                head = n;
            }
            bodies[d - 3] = Wire.body(Wire.request(24, Serializers.kryo(), Compression.NONE,
                    new RpcRequest(Tree.class.getName(), "depth", depth.descriptors(), new Object[]{head}, Map.of()),
                    depth.argCodecs(Serializers.kryo())));
        }
        int common4 = Arrays.mismatch(bodies[0], bodies[1]);
        int common5 = Arrays.mismatch(bodies[1], bodies[2]);
        int unit = common5 - common4;
        String hex = ByteBufUtil.hexDump(bodies[2]);
        assertTrue(unit > 0 && common5 >= 3 * unit, "Kryo writes a Node chain level by level: " + hex);
        byte[] level = Arrays.copyOfRange(bodies[2], common5 - unit, common5);
        assertTrue(Arrays.equals(level, Arrays.copyOfRange(bodies[2], common5 - 2 * unit, common5 - unit)), "one level repeats: " + hex);
        return new byte[][]{Arrays.copyOf(bodies[2], common5), level};
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

    /**
     * Reads what the server answers until it closes (we half-closed), recording response statuses; silence for
     * 3 s is a failure (a stuck decoder), a reset is an allowed answer to garbage.
     */
    static void drain(InputStream in, Map<Status, Integer> statuses, List<String> failures) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            failures.add("the server neither answered nor closed within 3 s");
        } catch (IOException e) {
            // reset by the server: an allowed answer to garbage
        }
        java.nio.ByteBuffer frames = java.nio.ByteBuffer.wrap(got.toByteArray());
        while (frames.remaining() >= FrameHeader.LENGTH) {
            int at = frames.position();
            int length = frames.getInt(at + FrameHeader.OFFSET_LENGTH);
            if (length < FrameHeader.LENGTH || length > frames.remaining()) {
                break; // cut short by a reset
            }
            if (frames.get(at + FrameHeader.OFFSET_TYPE) == MessageType.RESPONSE) {
                byte[] body = new byte[length - FrameHeader.LENGTH];
                frames.get(at + FrameHeader.LENGTH, body);
                byte[] header = new byte[FrameHeader.LENGTH];
                frames.get(at, header);
                RawFrame f = Wire.parse(header, body);
                Status s = statusOf(f);
                statuses.merge(s == null ? Status.INTERNAL_ERROR : s, 1, Integer::sum);
                if (s == null || s == Status.INTERNAL_ERROR) {
                    failures.add("answered " + f);
                }
            }
            frames.position(at + length);
        }
    }
}
