package io.tern.rpc.benchmark.fleet;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The provider processes, each with its own registry client (Curator session) registering its services through the
 * project's {@link Registry#register}. A restart of a process is, with {@code restartSession} (the default), what a
 * real restart does: the registry closes (its nodes are deleted, then the session ends), the process is down for a
 * while, then a new session registers every service again with the next generation; without it, the nodes are
 * unregistered and registered again on the same session.
 */
final class ProviderFleet implements AutoCloseable {
    private final ThreadGroup group = new ThreadGroup("fleet-providers");
    private final FleetLayout layout;
    private final RegistryConfig config;
    private final boolean restartSession;
    private final Registry[] sessions;
    private final int[] generation;
    private final ScheduledExecutorService scheduler;
    private final OpCounter ops = new OpCounter();
    private volatile ChangeTracker tracker;

    ProviderFleet(FleetLayout layout, RegistryConfig config, boolean restartSession) throws InterruptedException {
        this.layout = layout;
        this.config = config;
        this.restartSession = restartSession;
        this.sessions = new Registry[layout.processes()];
        this.generation = new int[layout.registrations];
        // built on a thread of the group, so that its threads (which run the restarts) are counted as the providers'
        this.scheduler = Groups.build(group, () -> Executors.newScheduledThreadPool(32));
    }

    ThreadGroup threadGroup() {
        return group;
    }

    /** The ZooKeeper operations of every provider's registry client. */
    OpCounter ops() {
        return ops;
    }

    void track(ChangeTracker tracker) {
        this.tracker = tracker;
    }

    /** Connects every provider process's session (not measured: processes start before they register). */
    void connect() throws InterruptedException {
        Groups.forEach(group, sessions.length, 16, i -> sessions[i] = session());
    }

    private Registry session() {
        Registry registry = Registries.create(config);
        ops.attach(registry);
        return registry;
    }

    /** Registers every process's services, {@code parallelism} processes at a time. */
    void registerAll(int parallelism) throws InterruptedException {
        Groups.forEach(group, sessions.length, parallelism, this::register);
    }

    private void register(int process) {
        for (int k = 0; k < layout.perProcess; k++) {
            int reg = process * layout.perProcess + k;
            ChangeTracker t = tracker;
            if (t != null) {
                t.begin(reg, generation[reg], true);
            }
            sessions[process].register(layout.info(reg, generation[reg], System.currentTimeMillis()));
        }
    }

    private void unregister(int process) {
        ChangeTracker t = tracker;
        for (int k = 0; k < layout.perProcess; k++) {
            int reg = process * layout.perProcess + k;
            if (t != null) {
                t.begin(reg, generation[reg], false);
            }
        }
        if (restartSession) {
            sessions[process].close(); // deletes its nodes, then ends the session
        } else {
            List<ProviderInfo> leaving = new ArrayList<>(layout.perProcess);
            for (int k = 0; k < layout.perProcess; k++) {
                int reg = process * layout.perProcess + k;
                leaving.add(layout.info(reg, generation[reg], 0));
            }
            sessions[process].unregisterAll(leaving); // together, as TernServer.offline() does
        }
    }

    /**
     * Restarts every process, {@code batch} at a time, one batch every {@code intervalMillis}; each is down for
     * {@code downMillis} between going away and registering again. Returns when every process is back.
     */
    void rollingRestart(int batch, long intervalMillis, long downMillis) throws InterruptedException {
        int n = sessions.length;
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            int process = i;
            long at = (i / batch) * intervalMillis;
            scheduler.schedule(() -> {
                try {
                    unregister(process);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                    return;
                }
                scheduler.schedule(() -> {
                    try {
                        for (int k = 0; k < layout.perProcess; k++) {
                            generation[process * layout.perProcess + k]++;
                        }
                        if (restartSession) {
                            sessions[process] = session();
                        }
                        register(process);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }, downMillis, TimeUnit.MILLISECONDS);
            }, at, TimeUnit.MILLISECONDS);
        }
        long deadline = (n / batch + 1) * intervalMillis + downMillis + 120_000;
        if (!done.await(deadline, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("rolling restart not finished within " + deadline + " ms: " + done.getCount() + " left");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a provider restart failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        Groups.forEach(group, sessions.length, 16, i -> {
            if (sessions[i] != null) {
                sessions[i].close();
            }
        });
    }
}
