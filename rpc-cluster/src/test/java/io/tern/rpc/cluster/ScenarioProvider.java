package io.tern.rpc.cluster;

import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.RpcContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** A scenario provider with tunable slowness; counts what it ran and records request attachments. */
class ScenarioProvider implements ScenarioService {
    final String name;
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger writesStarted = new AtomicInteger();
    final AtomicInteger writesFinished = new AtomicInteger();
    final List<Map<String, String>> attachments = new CopyOnWriteArrayList<>();
    volatile double slowRatio;
    volatile long slowMillis;
    volatile long writeMillis;
    volatile ScenarioService onward;

    ScenarioProvider(String name) {
        this.name = name;
    }

    @Override
    public String get(int key) {
        gets.incrementAndGet();
        record();
        if (slowRatio > 0 && ThreadLocalRandom.current().nextDouble() < slowRatio) {
            LockSupport.parkNanos(slowMillis * 1_000_000L); // the simulated slow call
        }
        return name + ":" + key;
    }

    @Override
    public String write(int key) {
        writesStarted.incrementAndGet();
        LockSupport.parkNanos(writeMillis * 1_000_000L);
        writesFinished.incrementAndGet();
        return name + " wrote " + key;
    }

    @Override
    public String slowGet(long millis) {
        record();
        LockSupport.parkNanos(millis * 1_000_000L);
        return name + " slept " + millis;
    }

    @Override
    public String relay(long millis) {
        return onward.slowGet(millis);
    }

    private void record() {
        RpcContext ctx = RpcContext.current();
        if (ctx != null && attachments.size() < 10_000) {
            attachments.add(Map.copyOf(ctx.attachments()));
        }
    }

    long attempts(int attempt) {
        return attachments.stream().filter(a -> Integer.toString(attempt).equals(a.get(RpcRequest.ATTEMPT))).count();
    }
}
