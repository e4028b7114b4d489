package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.RpcRequest;

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
 * Not thread-safe. Like the wire format, it allows null values. Its wire form is {@link AttachmentsCodec}'s.
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

    /** Shared strings for the attempt numbers 0-9, in outgoing calls and decoded values alike. */
    static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    /** Marks the deadline's value slot while it is held as a number: encoded and decoded without a String. */
    static final String LAZY_DEADLINE = new String("(deadline)");

    // package-private for AttachmentsCodec, which walks the pairs without iterators or entries
    /** Keys at even, values at odd indexes; the first {@code size} pairs are in use. */
    String[] pairs;
    int size;
    /** The deadline while its value slot holds {@link #LAZY_DEADLINE}. */
    long deadline = -1;

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

    void removeAt(int i) {
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

    int indexOf(Object key) {
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

    /** Sets the deadline as a number, replacing any deadline already there (a repeated key: the last one wins, as with put). */
    void putDeadline(long millis) {
        int existing = indexOf(RpcRequest.DEADLINE_MS);
        if (existing >= 0) {
            removeAt(existing);
        }
        put(RpcRequest.DEADLINE_MS, LAZY_DEADLINE);
        deadline = millis;
    }
}
