package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.RpcRequest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.rpc.protocol.serialize.CorruptBodyException;
import io.tern.rpc.protocol.serialize.Varints;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.tern.rpc.protocol.internal.Attachments.MAX_ENTRIES;
import static io.tern.rpc.protocol.internal.Attachments.MAX_KEY_BYTES;
import static io.tern.rpc.protocol.internal.Attachments.MAX_TOTAL_BYTES;
import static io.tern.rpc.protocol.internal.Attachments.MAX_VALUE_BYTES;

/**
 * The wire form of a body's attachments (SPEC §2): varint n, n x (str key, str value), within the SPEC §2 limits
 * of {@link Attachments} on both sides. An {@link Attachments} map is written straight from its pairs, its deadline
 * as digits, and read back into one with the well-known keys and single digits as shared strings.
 */
final class AttachmentsCodec {
    private static final String[] KNOWN_KEYS = {RpcRequest.DEADLINE_MS, RpcRequest.ATTEMPT, RpcRequest.NO_RETRY, RpcRequest.AUTH_TOKEN};
    /** Each known key as its UTF-8 bytes; the keys have distinct lengths, so the length picks the one candidate. */
    private static final ByteBuf[] KNOWN_BY_LENGTH = new ByteBuf[32];
    private static final String[] KNOWN_KEY_BY_LENGTH = new String[32];
    /** Each known key as written on the wire: length prefix and bytes. */
    private static final byte[][] KNOWN_KEY_WIRE = new byte[KNOWN_KEYS.length][];

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

    private AttachmentsCodec() {
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
                if (a.pairs[i + 1] == Attachments.LAZY_DEADLINE) {
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
     * length before its String. With at most {@link #MAX_ENTRIES} entries, the duplicate-key scan of {@link Attachments#put}
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
                int digits = readDeadline(in, a);
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
    private static int readDeadline(ByteBuf in, Attachments a) {
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
        a.putDeadline(n);
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
                s = Attachments.DIGITS[d];
            }
        }
        if (s == null) {
            s = in.toString(at, len, StandardCharsets.UTF_8);
        }
        in.skipBytes(len);
        return s;
    }
}
