package io.tern.rpc.testsupport;

import io.tern.rpc.Idempotent;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A test service covering sync, async, POJO, record, collection and exception paths. */
public interface Greeter {
    String hello(String name);

    @Idempotent
    int add(int a, int b);

    Person echoPerson(Person p);

    Point echoPoint(Point p);

    List<Person> people(int n);

    Map<String, List<Integer>> groups(Set<String> names);

    CompletableFuture<String> helloAsync(String name);

    /** Sleeps on the provider, then answers: for timeouts, busy and drain tests. */
    String slow(long millis);

    CompletableFuture<String> slowAsync(long millis);

    void fail(String message);

    void failWithCause(String message) throws GreeterException;

    void failCustom(String message);

    BigDecimal total(List<BigDecimal> amounts);

    Instant shift(Instant at, long seconds);

    LocalDate nextDay(LocalDate day);

    byte[] reverse(byte[] bytes);

    String echoLarge(String text);

    void noop();

    /** A plain POJO. */
    final class Person {
        public String name;
        public int age;
        public Color favourite;
        public List<String> tags;
        public Point home;
        public LocalDate born;

        public Person() {
        }

        public Person(String name, int age) {
            this.name = name;
            this.age = age;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Person p && java.util.Objects.equals(name, p.name) && age == p.age && favourite == p.favourite
                    && java.util.Objects.equals(tags, p.tags) && java.util.Objects.equals(home, p.home) && java.util.Objects.equals(born, p.born);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, age);
        }

        @Override
        public String toString() {
            return "Person{" + name + ", " + age + ", " + favourite + ", " + tags + ", " + home + ", " + born + "}";
        }
    }

    record Point(int x, int y) {
    }

    enum Color { RED, GREEN, BLUE }
}
