package io.tern.rpc.transport.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * A service whose signatures expose the decode paths the hostile-peer tests attack: numbers as arguments, results and
 * POJO fields, primitive and string arrays inside a Protostuff POJO, and a collection result for Kryo.
 */
public interface HostileTarget {
    int signum(BigDecimal value);

    int bitLength(BigInteger value);

    int amountSignum(Amount amount);

    int count(ArrayHolder holder);

    ArrayHolder arrays();

    BigDecimal number();

    List<String> names();

    /** A POJO carrying a number as a field: Protostuff parses it from text. */
    final class Amount {
        public BigDecimal value;
    }

    /** A POJO with arrays: Protostuff allocates them at the length the wire announces. */
    final class ArrayHolder {
        public int[] values;
        public String[] names;
    }

    /** Cheap answers, so only decoding costs anything. */
    class Impl implements HostileTarget {
        @Override
        public int signum(BigDecimal value) {
            return value.signum();
        }

        @Override
        public int bitLength(BigInteger value) {
            return value.bitLength();
        }

        @Override
        public int amountSignum(Amount amount) {
            return amount.value == null ? 0 : amount.value.signum();
        }

        @Override
        public int count(ArrayHolder holder) {
            return (holder.values == null ? 0 : holder.values.length) + (holder.names == null ? 0 : holder.names.length);
        }

        @Override
        public ArrayHolder arrays() {
            ArrayHolder h = new ArrayHolder();
            h.values = new int[]{1, 2, 3};
            return h;
        }

        @Override
        public BigDecimal number() {
            return BigDecimal.ONE;
        }

        @Override
        public List<String> names() {
            return List.of("a", "b");
        }
    }
}
