package io.tern.rpc.cluster;

import io.tern.rpc.RemoteException;
import io.tern.rpc.RpcException;

import java.util.Arrays;

/**
 * Makes a failed call's exception show the line of code that made the call. A failure is made on an I/O or timer
 * thread (a timeout, a refusal) or rebuilt from the provider's frames (its exception), so its own stack trace never
 * names the caller. The framework's failures are copied as JDK's HttpClient does for a blocking send: the same
 * type, status and message, the caller's frames as the stack, the original as the cause. A provider's exception
 * keeps its identity, cause chain and remote frames; the caller's frames are appended after a boundary frame, as
 * RMI appends the client's frames to a server exception.
 */
final class CallerStacks {
    /** Between the frames where the call failed (or the provider's) and the caller's. */
    static final StackTraceElement BOUNDARY = new StackTraceElement("_TERN_RPC_", "_CALLED_FROM_", "Tern RPC", -1);

    private CallerStacks() {
    }

    /**
     * The failure to throw from a blocking call, on the calling thread: its frames are the caller's. A copy keeps the
     * VM's compact backtrace (Tern's few frames on top included): turning it into frames to drop them would cost a
     * failed call several times what the failure itself cost (CallerStackBench), and only a logged one needs them.
     */
    static Throwable onCallerThread(Throwable failure) {
        return withCallerFrames(failure, null);
    }

    /**
     * The failure to complete an async call's future with: the frames of {@code callSite}, captured when the call was
     * made, are the caller's.
     */
    static Throwable atCallSite(Throwable failure, CallSite callSite) {
        return withCallerFrames(failure, callSite);
    }

    private static Throwable withCallerFrames(Throwable failure, CallSite callSite) {
        if (failure instanceof RpcException rpc && !(failure instanceof RemoteException)) {
            RpcException copy = rpc.withCallerStack();
            if (copy.getClass() == rpc.getClass()) { // a subclass of the user's without its own copy keeps the original
                if (callSite != null) {
                    copy.setStackTrace(callerFrames(callSite.getStackTrace()));
                }
                return copy;
            }
        }
        StackTraceElement[] own = failure.getStackTrace();
        if (own.length > 0 && Arrays.asList(own).contains(BOUNDARY)) {
            return failure; // already has them (the same instance handed to a second caller)
        }
        StackTraceElement[] caller = callerFrames(callSite == null ? new Throwable().getStackTrace() : callSite.getStackTrace());
        StackTraceElement[] both = Arrays.copyOf(own, own.length + 1 + caller.length);
        both[own.length] = BOUNDARY;
        System.arraycopy(caller, 0, both, own.length + 1, caller.length);
        failure.setStackTrace(both);
        return failure;
    }

    /** {@code frames} from the proxy's generated method on, for frames that are read anyway (appended, or captured). */
    static StackTraceElement[] callerFrames(StackTraceElement[] frames) {
        int from = 0;
        while (from < frames.length && isTernFrame(frames[from])) {
            from++;
        }
        return from == 0 ? frames : Arrays.copyOfRange(frames, from, frames.length);
    }

    private static boolean isTernFrame(StackTraceElement frame) {
        String c = frame.getClassName();
        return c.startsWith(ProxyHandler.class.getName()) || c.equals(CallerStacks.class.getName()) || c.equals(CallerFailures.class.getName())
                || c.equals(CallSite.class.getName())
                || frame.getMethodName().equals("withCallerStack") && c.startsWith("io.tern.rpc.");
    }
}
