package io.tern.rpc.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Varints;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The attachments of a request: a small string map kept as one array of key/value pairs. A call carries two or
 * three of them (deadline, attempt, maybe no-retry), so a linear scan beats hashing, and encoding or decoding
 * them allocates no nodes or iterators; the well-known keys and small numbers decode to shared strings.
 * Not thread-safe. Like the wire format, it allows null values.
 */
public final class Attachments extends AbstractMap<String, String> {
    private static final String[] KNOWN_KEYS = {RpcRequest.DEADLINE_MS, RpcRequest.ATTEMPT, RpcRequest.NO_RETRY, RpcRequest.AUTH_TOKEN};
    /** Each known key as its UTF-8 bytes; the keys have distinct lengths, so the length picks the one candidate. */
    private static final ByteBuf[] KNOWN_BY_LENGTH = new ByteBuf[32];
    private static final String[] KNOWN_KEY_BY_LENGTH = new String[32];
    /** Each known key as written on the wire: length prefix and bytes. */
    private static final byte[][] KNOWN_KEY_WIRE = new byte[KNOWN_KEYS.length][];
    private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    static {
        for (int i = 0; i < KNOWN_KEYS.length; i++) {
            byte[] utf8 = KNOWN_KEYS[i].getBytes(StandardCharsets.UTF_8);
            if (KNOWN_BY_LENGTH[utf8.length] != null) {
                throw new AssertionError("two well-known attachment keys of length " + utf8.length);
            }
            KNOWN_BY_LENGTH[utf8.length] = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(utf8));
            KNOWN_KEY_BY_LENGTH[utf8.length] = KNOWN_KEYS[i];
            ByteBuf wire = Unpooled.buffer();
            Varints.writeString(wire, KNOWN_KEYS[i]);
            KNOWN_KEY_WIRE[i] = ByteBufUtil.getBytes(wire);
        }
    }

    /** Marks the deadline's value slot while it is held as a number: encoded and decoded without a String. */
    private static final String LAZY_DEADLINE = new String("(deadline)");

    private String[] pairs;
    private int size;
    private long deadline = -1;

    public Attachments(int expected) {
        pairs = new String[Math.max(1, expected) * 2];
    }

    /** The attachments of an outgoing call: deadline, attempt number, and the no-retry mark if asked for. */
    public static Attachments ofCall(long deadlineMillis, int attempt, boolean noRetry) {
        Attachments a = new Attachments(noRetry ? 3 : 2);
        a.pairs[0] = RpcRequest.DEADLINE_MS;
        a.pairs[1] = LAZY_DEADLINE;
        a.deadline = Math.max(0, deadlineMillis);
        a.pairs[2] = RpcRequest.ATTEMPT;
        a.pairs[3] = attempt < 10 ? DIGITS[attempt] : Integer.toString(attempt);
        a.size = 2;
        if (noRetry) {
            a.pairs[4] = RpcRequest.NO_RETRY;
            a.pairs[5] = "1";
            a.size = 3;
        }
        return a;
    }

    /** A copy of any map. */
    public static Attachments copyOf(Map<String, String> map) {
        Attachments a = new Attachments(map.size() + 1);
        if (map instanceof Attachments other) {
            System.arraycopy(other.pairs, 0, a.pairs, 0, other.size * 2);
            a.size = other.size;
            a.deadline = other.deadline;
        } else {
            map.forEach(a::put);
        }
        return a;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    /** The deadline attachment in milliseconds (a negative one as 0: already passed), or -1 when absent or not a number. */
    public long deadlineMillis() {
        int i = indexOf(RpcRequest.DEADLINE_MS);
        if (i < 0) {
            return -1;
        }
        return pairs[i + 1] == LAZY_DEADLINE ? deadline : parseDeadline(pairs[i + 1]);
    }

    /** {@link #deadlineMillis()} of any attachment map. */
    public static long deadlineMillis(Map<String, String> attachments) {
        return attachments instanceof Attachments a ? a.deadlineMillis() : parseDeadline(attachments.get(RpcRequest.DEADLINE_MS));
    }

    private static long parseDeadline(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String value(int i) {
        String v = pairs[i + 1];
        if (v == LAZY_DEADLINE) {
            v = Long.toString(deadline);
            pairs[i + 1] = v;
        }
        return v;
    }

    @Override
    public String put(String key, String value) {
        int i = indexOf(key);
        if (i >= 0) {
            String old = value(i);
            pairs[i + 1] = value;
            return old;
        }
        if (size * 2 == pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[size * 2] = key;
        pairs[size * 2 + 1] = value;
        size++;
        return null;
    }

    @Override
    public String remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        String old = value(i);
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        int last = (size - 1) * 2;
        System.arraycopy(pairs, i + 2, pairs, i, last - i);
        pairs[last] = null;
        pairs[last + 1] = null;
        size--;
    }

    @Override
    public void clear() {
        Arrays.fill(pairs, 0, size * 2, null);
        size = 0;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size * 2; i += 2) {
            String k = pairs[i];
            if (k == key || (k != null && k.equals(key))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < size * 2;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        last = next;
                        next += 2;
                        return new SimpleImmutableEntry<>(pairs[last], value(last));
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }
        };
    }

    /** Writes {@code map} in the envelope's attachment layout: varint n, n x (str key, str value). */
    static void write(ByteBuf out, Map<String, String> map) {
        int n = map.size();
        Varints.writeVarint(out, n);
        if (n == 0) {
            return;
        }
        if (map instanceof Attachments a) {
            for (int i = 0; i < a.size * 2; i += 2) {
                writeKey(out, a.pairs[i]);
                if (a.pairs[i + 1] == LAZY_DEADLINE) {
                    writeDigits(out, a.deadline);
                } else {
                    Varints.writeString(out, a.pairs[i + 1]);
                }
            }
            return;
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            Varints.writeString(out, e.getKey());
            Varints.writeString(out, e.getValue());
        }
    }

    /** A non-negative number as a string value: length prefix and ASCII digits, no String made. */
    private static void writeDigits(ByteBuf out, long n) {
        int digits = 1;
        for (long x = n; x >= 10; x /= 10) {
            digits++;
        }
        out.writeByte(digits + 1); // length + 1, at most 20: one varint byte
        int at = out.writerIndex();
        out.writerIndex(at + digits);
        for (int i = at + digits - 1; i >= at; i--) {
            out.setByte(i, '0' + (int) (n % 10));
            n /= 10;
        }
    }

    private static void writeKey(ByteBuf out, String key) {
        for (int k = 0; k < KNOWN_KEYS.length; k++) {
            if (KNOWN_KEYS[k] == key) {
                out.writeBytes(KNOWN_KEY_WIRE[k]); // encoded once
                return;
            }
        }
        Varints.writeString(out, key);
    }

    /** Reads attachments written by {@link #write}; an empty set is the shared empty map. */
    static Map<String, String> read(ByteBuf in) {
        int n = Varints.readCount(in);
        if (n == 0) {
            return Map.of();
        }
        Attachments a = new Attachments(n);
        for (int i = 0; i < n; i++) {
            String key = readShared(in, true);
            if (key == RpcRequest.DEADLINE_MS && a.readDeadline(in)) {
                continue;
            }
            a.put(key, readShared(in, false));
        }
        return a;
    }

    /** Reads a deadline value of 1 to 18 digits as a number, leaving anything else to be read as a string. */
    private boolean readDeadline(ByteBuf in) {
        if (!in.isReadable()) {
            return false;
        }
        int at = in.readerIndex();
        int len = in.getByte(at) - 1; // a one-byte length prefix
        if (len < 1 || len > 18 || len + 1 > in.readableBytes()) {
            return false;
        }
        long n = 0;
        for (int i = 1; i <= len; i++) {
            int d = in.getByte(at + i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            n = n * 10 + d;
        }
        in.skipBytes(len + 1);
        int existing = indexOf(RpcRequest.DEADLINE_MS);
        if (existing >= 0) {
            removeAt(existing); // a repeated key: the last one wins, as with put
        }
        put(RpcRequest.DEADLINE_MS, LAZY_DEADLINE);
        deadline = n;
        return true;
    }

    /** A string, taken from the shared constants when it is a well-known key or a single digit. */
    private static String readShared(ByteBuf in, boolean key) {
        int lenPlusOne = Varints.readVarint(in);
        if (lenPlusOne == 0) {
            return null;
        }
        int len = lenPlusOne - 1;
        if (len < 0 || len > in.readableBytes()) {
            throw new CorruptBodyException("string length " + len + " exceeds the " + in.readableBytes() + " bytes left in the body");
        }
        int at = in.readerIndex();
        String s = null;
        if (key) {
            if (len < KNOWN_BY_LENGTH.length && KNOWN_BY_LENGTH[len] != null
                    && ByteBufUtil.equals(in, at, KNOWN_BY_LENGTH[len], 0, len)) {
                s = KNOWN_KEY_BY_LENGTH[len];
            }
        } else if (len == 1) {
            int d = in.getByte(at) - '0';
            if (d >= 0 && d <= 9) {
                s = DIGITS[d];
            }
        }
        if (s == null) {
            s = in.toString(at, len, StandardCharsets.UTF_8);
        }
        in.skipBytes(len);
        return s;
    }
}
