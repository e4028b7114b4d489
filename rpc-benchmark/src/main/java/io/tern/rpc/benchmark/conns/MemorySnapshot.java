package io.tern.rpc.benchmark.conns;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory after a forced full GC. Direct memory is counted where it can live: the JDK's "direct" buffer
 * pool (ByteBuffer.allocateDirect) and, when Netty allocates direct buffers without a Cleaner (then they are not in
 * that pool), Netty's own counter ({@link PlatformDependent#usedDirectMemory()}); {@link #direct()}. Netty 4.2 also
 * counts the buffers it allocates with a Cleaner, so the two are added only in the no-Cleaner case. The default allocator's own figure (the chunks it holds, in use or cached) is
 * reported beside them, as is the resident set size (everything: heap pages, native memory, thread stacks).
 *
 * @param heapUsed       bytes of heap in use after the GCs
 * @param nettyCounter   {@link PlatformDependent#usedDirectMemory()}
 * @param nioDirect      the JDK "direct" buffer pool's memory used
 * @param allocatorDirect the default {@link ByteBufAllocator}'s usedDirectMemory (-1 if it reports none)
 * @param rss            VmRSS of the process in bytes (-1 where /proc is missing)
 * @param threads        live threads
 */
record MemorySnapshot(long heapUsed, long nettyCounter, long nioDirect, long allocatorDirect, long rss, int threads) {
    private static final boolean NO_CLEANER = PlatformDependent.useDirectBufferNoCleaner();


    /** Forces full GCs (several, so that objects released by cleaners and reference processing go too), then reads. */
    static MemorySnapshot take() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100); // let cleaners and reference handlers run between the collections
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long nio = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                nio = pool.getMemoryUsed();
            }
        }
        long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : -1;
        return new MemorySnapshot(heap, PlatformDependent.usedDirectMemory(), nio, allocator, readRss(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** Direct memory of every kind: the JDK's direct pool, plus Netty's Cleaner-less buffers if it makes any. */
    long direct() {
        return NO_CLEANER ? Math.max(0, nettyCounter) + nioDirect : nioDirect;
    }

    /** What the default allocator is, for the report. */
    static String allocatorName() {
        return ByteBufAllocator.DEFAULT.getClass().getSimpleName() + ( NO_CLEANER
                ? " (direct buffers without Cleaner)" : " (direct buffers via ByteBuffer.allocateDirect)");
    }

    private static long readRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    String line() {
        return heapUsed + " " + nettyCounter + " " + nioDirect + " " + allocatorDirect + " " + rss + " " + threads;
    }

    static MemorySnapshot parse(String line) {
        String[] p = line.trim().split(" ");
        return new MemorySnapshot(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
                Long.parseLong(p[4]), Integer.parseInt(p[5]));
    }
}
