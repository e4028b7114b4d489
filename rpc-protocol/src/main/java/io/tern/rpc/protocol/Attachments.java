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
    /** Most attachments a body may carry (SPEC §2). */
    public static final int MAX_ENTRIES = 64;
    /** Longest attachment key, in UTF-8 bytes (SPEC §2). */
    public static final int MAX_KEY_BYTES = 256;
    /** Longest attachment value, in UTF-8 bytes (SPEC §2). */
    public static final int MAX_VALUE_BYTES = 8 * 1024;
    /** Most UTF-8 bytes of all keys and values of a body together (SPEC §2). */
    public static final int MAX_TOTAL_BYTES = 64 * 1024;

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

    /**
     * Writes {@code map} in the envelope's attachment layout: varint n, n x (str key, str value). Refuses, with an
     * {@link IllegalArgumentException} naming the key and the limit, attachments a peer would refuse (SPEC §2).
     */
    static void write(ByteBuf out, Map<String, String> map) {
        int n = map.size();
        if (n > MAX_ENTRIES) {
            throw new IllegalArgumentException("attachments: " + n + " entries, over the limit of " + MAX_ENTRIES + " that a peer accepts");
        }
        Varints.writeVarint(out, n);
        if (n == 0) {
            return;
        }
        int total = 0;
        if (map instanceof Attachments a) {
            for (int i = 0; i < a.size * 2; i += 2) {
                String key = a.pairs[i];
                total += writeKey(out, key);
                if (a.pairs[i + 1] == LAZY_DEADLINE) {
                    total += writeDigits(out, a.deadline);
                } else {
                    total += writeChecked(out, a.pairs[i + 1], MAX_VALUE_BYTES, key, false);
                }
            }
        } else {
            for (Map.Entry<String, String> e : map.entrySet()) {
                total += writeChecked(out, e.getKey(), MAX_KEY_BYTES, e.getKey(), true);
                total += writeChecked(out, e.getValue(), MAX_VALUE_BYTES, e.getKey(), false);
            }
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("attachments: " + total + " bytes of keys and values, over the limit of " + MAX_TOTAL_BYTES
                    + " bytes that a peer accepts");
        }
    }

    /** Writes a key or value as {@link Varints#writeString} does, after checking its length; returns its UTF-8 bytes. */
    private static int writeChecked(ByteBuf out, String s, int max, String key, boolean isKey) {
        if (s == null) {
            out.writeByte(0);
            return 0;
        }
        int len = ByteBufUtil.utf8Bytes(s);
        if (len > max) {
            String name = key == null ? "null" : "'" + (key.length() > 64 ? key.substring(0, 64) + "…" : key) + "'";
            throw new IllegalArgumentException((isKey ? "attachment key " + name : "attachment " + name + " value") + " is " + len
                    + " bytes, over the limit of " + max + " bytes that a peer accepts");
        }
        Varints.writeVarint(out, len + 1);
        ByteBufUtil.reserveAndWriteUtf8(out, s, len);
        return len;
    }

    /** A non-negative number as a string value: length prefix and ASCII digits, no String made; returns the digits. */
    private static int writeDigits(ByteBuf out, long n) {
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
        return digits;
    }

    /** Writes a key, a well-known one from its encoded form; returns its UTF-8 bytes. */
    private static int writeKey(ByteBuf out, String key) {
        for (int k = 0; k < KNOWN_KEYS.length; k++) {
            if (KNOWN_KEYS[k] == key) {
                out.writeBytes(KNOWN_KEY_WIRE[k]); // encoded once
                return KNOWN_KEY_WIRE[k].length - 1;
            }
        }
        return writeChecked(out, key, MAX_KEY_BYTES, key, true);
    }

    /**
     * Reads attachments written by {@link #write}; an empty set is the shared empty map. The SPEC §2 limits are
     * checked before anything is allocated for what the peer announced: the count before the pairs array, each
     * length before its String. With at most {@link #MAX_ENTRIES} entries, the duplicate-key scan of {@link #put}
     * stays within 64 x 64 comparisons of at most 256 bytes.
     */
    static Map<String, String> read(ByteBuf in) {
        int n = Varints.readVarint(in);
        if (n < 0 || n > MAX_ENTRIES) {
            throw new CorruptBodyException("attachments: " + (n & 0xFFFFFFFFL) + " entries, over the limit of " + MAX_ENTRIES);
        }
        if (n == 0) {
            return Map.of();
        }
        Attachments a = new Attachments(n);
        int total = 0;
        for (int i = 0; i < n; i++) {
            int keyLength = Varints.readStringLength(in, MAX_KEY_BYTES, "attachment key");
            total = addToTotal(total, keyLength);
            String key = readShared(in, keyLength, true);
            if (key == RpcRequest.DEADLINE_MS) {
                int digits = a.readDeadline(in);
                if (digits > 0) {
                    total = addToTotal(total, digits);
                    continue;
                }
            }
            int valueLength = Varints.readStringLength(in, MAX_VALUE_BYTES, "attachment value");
            total = addToTotal(total, valueLength);
            a.put(key, readShared(in, valueLength, false));
        }
        return a;
    }

    private static int addToTotal(int total, int length) {
        int sum = total + Math.max(0, length);
        if (sum > MAX_TOTAL_BYTES) {
            throw new CorruptBodyException("attachments: " + sum + " bytes of keys and values, over the limit of " + MAX_TOTAL_BYTES + " bytes");
        }
        return sum;
    }

    /**
     * Reads a deadline value of 1 to 18 digits as a number and returns its digits, or returns -1 and reads nothing
     * when it is anything else (read then as a string).
     */
    private int readDeadline(ByteBuf in) {
        if (!in.isReadable()) {
            return -1;
        }
        int at = in.readerIndex();
        int len = in.getByte(at) - 1; // a one-byte length prefix
        if (len < 1 || len > 18 || len + 1 > in.readableBytes()) {
            return -1;
        }
        long n = 0;
        for (int i = 1; i <= len; i++) {
            int d = in.getByte(at + i) - '0';
            if (d < 0 || d > 9) {
                return -1;
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
        return len;
    }

    /**
     * The string of {@code len} bytes at the reader index (null for -1), taken from the shared constants when it is a
     * well-known key or a single digit.
     */
    private static String readShared(ByteBuf in, int len, boolean key) {
        if (len < 0) {
            return null;
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
