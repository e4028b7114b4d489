package io.tern.rpc.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The end of a {@link TernServer}'s life, as a program's {@code main} sees it. Tern's threads are daemons, so a
 * {@code main} that returns after {@code start()} ends the process: {@link #await()} is what keeps it running, and
 * the optional JVM shutdown hook is what turns SIGTERM or Ctrl-C into a graceful close (unregister, drain, close).
 */
final class ServerTermination {
    private static final Logger log = LoggerFactory.getLogger(ServerTermination.class);

    private final CountDownLatch terminated = new CountDownLatch(1);
    private Thread hook;

    /** Called once close() has finished (or failed): releases every waiter. */
    void terminated() {
        terminated.countDown();
    }

    boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    void await() throws InterruptedException {
        terminated.await();
    }

    boolean await(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Registers {@code close} to run when the JVM shuts down, logging before and after (the log is all an operator
     * sees of a stop); once only. The caller holds its server's lock, so two calls cannot register two hooks.
     *
     * @param what names the server in the log, read when the hook runs (the port is known only after start)
     */
    void installHook(Runnable close, Supplier<String> what, Duration grace) {
        if (hook != null || isTerminated()) {
            return;
        }
        hook = new Thread(() -> {
            log.info("JVM shutting down: closing {} (unregister, drain up to {} ms, close)", what.get(), grace.toMillis());
            try {
                close.run();
                log.info("{} closed", what.get());
            } catch (RuntimeException e) {
                log.error("Closing {} on JVM shutdown failed", what.get(), e);
            }
        }, "tern-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The registered hook, or null: tests run its action without shutting the JVM down. */
    Thread hook() {
        return hook;
    }

    /**
     * Unregisters the hook after a close, so a closed server is not kept reachable (nor closed twice) until the JVM
     * ends. During the JVM's shutdown the hook cannot be removed, and need not be: it is running, or has run.
     */
    void removeHook() {
        Thread h = hook;
        if (h == null) {
            return;
        }
        hook = null;
        try {
            Runtime.getRuntime().removeShutdownHook(h);
        } catch (IllegalStateException e) {
            log.debug("JVM shutting down: shutdown hook {} stays registered ({})", h.getName(), e.getMessage());
        }
    }
}
