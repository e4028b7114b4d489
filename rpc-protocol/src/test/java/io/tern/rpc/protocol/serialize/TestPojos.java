package io.tern.rpc.protocol.serialize;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Value types used by the serializer tests: concrete, no-arg constructors, equals/hashCode. */
final class TestPojos {
    private TestPojos() {
    }

    public enum Color { RED, GREEN, BLUE }

    public record Point(int x, int y) {
    }

    /** A record holding a POJO. */
    public record Labelled(String label, Address address) {
    }

    public static class Address {
        private String street;
        private int zip;

        public Address() {
        }

        public Address(String street, int zip) {
            this.street = street;
            this.zip = zip;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Objects.equals(street, a.street) && zip == a.zip;
        }

        @Override
        public int hashCode() {
            return Objects.hash(street, zip);
        }

        @Override
        public String toString() {
            return "Address{" + street + ", " + zip + '}';
        }
    }

    /** A POJO graph: nested POJO, List of POJOs, Map of POJOs, enum, LocalDate and a record field. */
    public static class Person {
        private String name;
        private int age;
        private Address home;
        private List<Address> previous;
        private Map<String, Address> byLabel;
        private Color favourite;
        private LocalDate born;
        private Point location;

        public Person() {
        }

        public Person(String name, int age, Address home, List<Address> previous, Map<String, Address> byLabel, Color favourite,
                      LocalDate born, Point location) {
            this.name = name;
            this.age = age;
            this.home = home;
            this.previous = previous;
            this.byLabel = byLabel;
            this.favourite = favourite;
            this.born = born;
            this.location = location;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Person p && Objects.equals(name, p.name) && age == p.age && Objects.equals(home, p.home)
                    && Objects.equals(previous, p.previous) && Objects.equals(byLabel, p.byLabel) && favourite == p.favourite
                    && Objects.equals(born, p.born) && Objects.equals(location, p.location);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, age, home, previous, byLabel, favourite, born, location);
        }

        @Override
        public String toString() {
            return "Person{" + name + ", " + age + ", " + home + ", " + previous + ", " + byLabel + ", " + favourite + ", " + born
                    + ", " + location + '}';
        }
    }

    /** A POJO with many scalar and value field types. */
    public static class Kitchen {
        private boolean flag;
        private byte b;
        private short s;
        private char c;
        private long l;
        private float f;
        private double d;
        private Integer boxed;
        private Character boxedChar;
        private int[] ints;
        private byte[] bytes;
        private BigDecimal amount;
        private Date date;
        private UUID uuid;
        private Instant instant;

        public Kitchen() {
        }

        static Kitchen sample() {
            Kitchen k = new Kitchen();
            k.flag = true;
            k.b = -7;
            k.s = Short.MIN_VALUE;
            k.c = 'é';
            k.l = Long.MAX_VALUE;
            k.f = -0.0f;
            k.d = Double.NaN;
            k.boxed = -42;
            k.boxedChar = '日';
            k.ints = new int[]{Integer.MIN_VALUE, 0, Integer.MAX_VALUE};
            k.bytes = new byte[]{0, -1, 127};
            k.amount = new BigDecimal("12345678901234567890.000000001");
            k.date = new Date(1_700_000_000_123L);
            k.uuid = new UUID(0x0123456789ABCDEFL, 0xFEDCBA9876543210L);
            k.instant = Instant.ofEpochSecond(1_700_000_000L, 999_999_999);
            return k;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Kitchen k && flag == k.flag && b == k.b && s == k.s && c == k.c && l == k.l
                    && Float.compare(f, k.f) == 0 && Double.compare(d, k.d) == 0 && Objects.equals(boxed, k.boxed)
                    && Objects.equals(boxedChar, k.boxedChar) && java.util.Arrays.equals(ints, k.ints)
                    && java.util.Arrays.equals(bytes, k.bytes) && Objects.equals(amount, k.amount) && Objects.equals(date, k.date)
                    && Objects.equals(uuid, k.uuid) && Objects.equals(instant, k.instant);
        }

        @Override
        public int hashCode() {
            return Objects.hash(flag, b, s, c, l, boxed, amount, uuid);
        }

        @Override
        public String toString() {
            return "Kitchen{" + flag + ", " + b + ", " + s + ", " + c + ", " + l + ", " + f + ", " + d + ", " + boxed + ", " + boxedChar
                    + ", " + java.util.Arrays.toString(ints) + ", " + java.util.Arrays.toString(bytes) + ", " + amount + ", " + date
                    + ", " + uuid + ", " + instant + '}';
        }
    }

    static Person ada() {
        return new Person("Ada", 36, new Address("Main St 1", 12345),
                List.of(new Address("Old Road 2", 11111), new Address("Older Lane 3", 22222)),
                Map.of("home", new Address("Main St 1", 12345), "work", new Address("Office Park", 54321)),
                Color.GREEN, LocalDate.of(1815, 12, 10), new Point(3, -4));
    }
}
