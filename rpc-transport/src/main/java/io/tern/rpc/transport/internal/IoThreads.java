package io.tern.rpc.transport.internal;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tern's threads that must never block: the client's and the server's event loops, each serving every connection
 * assigned to it, and the client's timer. A caller's callbacks run on a client event loop by default (no hand-off
 * per call); a blocking call or wait made there would stall all of that thread's connections, and could wait
 * forever for an answer that this very thread has to read. Such waits are refused instead.
 *
 * <p>The threads are told apart by their class, so asking costs one type check, nothing on the normal path.
 */
public final class IoThreads {
    private static final Logger log = LoggerFactory.getLogger(IoThreads.class);
    private static final AtomicBoolean warned = new AtomicBoolean();

    /** What a marked thread does, for the advice in the refusal. */
    enum Role { CLIENT_IO, SERVER_IO, CLIENT_TIMER }

    private IoThreads() {
    }

    /** True on a Tern event-loop or timer thread, where nothing may block. */
    public static boolean current() {
        return Thread.currentThread() instanceof IoThread;
    }

    /**
     * The refusal of a blocking wait on the current (Tern) thread: names the thread, what would have blocked and the
     * ways out. The first one is also logged, in case the caller's chain swallows it.
     *
     * @param what what would have blocked, e.g. "blocking call Greeter.hello(String)"
     */
    public static IllegalStateException blockingRefused(String what) {
        Thread thread = Thread.currentThread();
        Role role = thread instanceof IoThread io ? io.role : Role.CLIENT_IO;
        String message = switch (role) {
            case CLIENT_IO -> what + " refused on Tern client I/O thread " + thread.getName() + ": blocking it would stall every"
                    + " connection it serves, and the answer may have to be read by this very thread, so it could wait forever."
                    + " Futures of async methods complete on this thread, and so do callbacks such as thenApply: use the async"
                    + " method and compose (thenCompose), move blocking work to your own executor (thenApplyAsync(fn, executor)),"
                    + " or set rpc.consumer.callback-executor=default (Reference.callbackExecutor) so the reference's callbacks"
                    + " run on a shared executor";
            case SERVER_IO -> what + " refused on Tern server I/O thread " + thread.getName() + ": blocking it would stall every"
                    + " connection it serves. A service exported in DIRECT mode runs on this thread and must never block:"
                    + " export it in EXECUTOR mode (the default), or use the async method and return its future";
            case CLIENT_TIMER -> what + " refused on Tern timer thread " + thread.getName() + ": blocking it would delay every"
                    + " timer of the client (backup requests), and a call's future may complete on it. Use the async method,"
                    + " move blocking work to your own executor (thenApplyAsync(fn, executor)), or set"
                    + " rpc.consumer.callback-executor=default (Reference.callbackExecutor)";
        };
        IllegalStateException refused = new IllegalStateException(message);
        if (warned.compareAndSet(false, true)) {
            log.warn("{} (logged once; every such wait fails with IllegalStateException)", message, refused);
        }
        return refused;
    }

    /** Threads for an event loop group or a timer, marked as Tern threads that must not block. */
    static ThreadFactory factory(String name, Role role) {
        return new DefaultThreadFactory(name, true) {
            @Override
            protected Thread newThread(Runnable r, String threadName) {
                return new IoThread(threadGroup, r, threadName, role);
            }
        };
    }

    /** A Netty thread (fast thread-locals) that is one of Tern's own. */
    private static final class IoThread extends FastThreadLocalThread {
        final Role role;

        IoThread(ThreadGroup group, Runnable target, String name, Role role) {
            super(group, target, name);
            this.role = role;
        }
    }
}
