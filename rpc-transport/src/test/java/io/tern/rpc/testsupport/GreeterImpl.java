package io.tern.rpc.testsupport;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The provider side of {@link Greeter}; counts the calls it ran. */
public class GreeterImpl implements Greeter {
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public String hello(String name) {
        calls.incrementAndGet();
        return "hello " + name;
    }

    @Override
    public int add(int a, int b) {
        calls.incrementAndGet();
        return a + b;
    }

    @Override
    public Person echoPerson(Person p) {
        calls.incrementAndGet();
        return p;
    }

    @Override
    public Point echoPoint(Point p) {
        return p;
    }

    @Override
    public List<Person> people(int n) {
        List<Person> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Person("p" + i, i));
        }
        return list;
    }

    @Override
    public Map<String, List<Integer>> groups(Set<String> names) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, List.of(n.length(), n.hashCode()));
        }
        return m;
    }

    @Override
    public CompletableFuture<String> helloAsync(String name) {
        calls.incrementAndGet();
        return CompletableFuture.completedFuture("async hello " + name);
    }

    @Override
    public String slow(long millis) {
        calls.incrementAndGet();
        try {
            Thread.sleep(millis); // simulates a slow provider method
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slept " + millis;
    }

    @Override
    public CompletableFuture<String> slowAsync(long millis) {
        calls.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> "slept " + millis, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
    }

    @Override
    public void fail(String message) {
        throw new IllegalStateException(message);
    }

    @Override
    public void failWithCause(String message) throws GreeterException {
        throw new GreeterException(message, new IllegalArgumentException("root " + message));
    }

    @Override
    public void failCustom(String message) {
        throw new GreeterCustomException(message);
    }

    @Override
    public BigDecimal total(List<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Override
    public Instant shift(Instant at, long seconds) {
        return at.plusSeconds(seconds);
    }

    @Override
    public LocalDate nextDay(LocalDate day) {
        return day.plusDays(1);
    }

    @Override
    public byte[] reverse(byte[] bytes) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = bytes[bytes.length - 1 - i];
        }
        return r;
    }

    @Override
    public String echoLarge(String text) {
        return text;
    }

    @Override
    public void noop() {
        calls.incrementAndGet();
    }
}
