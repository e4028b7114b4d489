package io.tern.rpc.testsupport;

import org.junit.jupiter.api.function.Executable;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs one hostile decode on a fresh thread with a deadline (a decoder stuck in quadratic work fails the test
 * instead of hanging it) and measures, on that thread, its wall time, CPU time and allocated bytes. Each result is
 * printed, so the surefire output records what every attack cost.
 */
public final class DecodeProbe {
    /** Generous for a decode that must be refused at its first length field, even on a loaded 2-core machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(2);

    private DecodeProbe() {
    }

    /** What one decode did: the throwable it ended with (null if it returned), and what it cost. */
    public record Outcome(String name, Throwable thrown, long wallNanos, long cpuNanos, long allocatedBytes) {
        /** The throwable, which must be of {@code type} and whose message must contain {@code text}. */
        public <T extends Throwable> T refused(Class<T> type, String text) {
            T t = assertInstanceOf(type, thrown, () -> name + ": expected " + type.getSimpleName() + " but got " + thrown);
            String m = String.valueOf(t.getMessage());
            assertTrue(m.contains(text), () -> name + ": the message should contain '" + text + "': " + m);
            return t;
        }

        public Outcome allocatedLessThan(long bytes) {
            assertTrue(allocatedBytes < bytes, () -> name + " allocated " + allocatedBytes + " bytes, limit " + bytes);
            return this;
        }

        public Outcome cpuLessThan(Duration d) {
            assertTrue(cpuNanos < d.toNanos(), () -> name + " took " + cpuNanos / 1_000_000 + " ms of CPU, limit " + d.toMillis() + " ms");
            return this;
        }

        @Override
        public String toString() {
            return String.format("%s: %s after %.2f ms wall, %.2f ms cpu, %,d bytes allocated", name,
                    thrown == null ? "decoded" : thrown.getClass().getSimpleName(), wallNanos / 1e6, cpuNanos / 1e6, allocatedBytes);
        }
    }

    /** Runs {@code decode} within {@link #DEADLINE}. */
    public static Outcome run(String name, Executable decode) {
        com.sun.management.ThreadMXBean bean = threadBean();
        Outcome o = assertTimeoutPreemptively(DEADLINE, () -> {
            long bytes = bean.getCurrentThreadAllocatedBytes();
            long cpu = bean.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            Throwable thrown = null;
            try {
                decode.execute();
            } catch (Throwable t) {
                thrown = t;
            }
            long wallNanos = System.nanoTime() - wall;
            long cpuNanos = bean.getCurrentThreadCpuTime() - cpu;
            return new Outcome(name, thrown, wallNanos, cpuNanos, bean.getCurrentThreadAllocatedBytes() - bytes);
        }, () -> name + ": still decoding after " + DEADLINE.toMillis() + " ms");
        System.out.println("decode probe " + o);
        return o;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean, "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(), "needs per-thread allocation counters");
        assumeTrue(bean.isCurrentThreadCpuTimeSupported() && bean.isThreadCpuTimeEnabled(), "needs per-thread CPU time");
        return bean;
    }
}
