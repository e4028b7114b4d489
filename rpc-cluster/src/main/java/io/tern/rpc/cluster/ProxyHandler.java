package io.tern.rpc.cluster;

import io.tern.rpc.Idempotent;
import io.tern.rpc.RpcContext;
import io.tern.rpc.RpcException;
import io.tern.rpc.protocol.internal.Attachments;
import io.tern.rpc.protocol.Compression;
import io.tern.rpc.protocol.internal.RemoteExceptions;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.protocol.serialize.Serializer;
import io.tern.rpc.protocol.serialize.Serializers;
import io.tern.rpc.transport.internal.CallSpec;
import io.tern.rpc.transport.internal.IoThreads;
import io.tern.rpc.transport.internal.MethodCodecs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Turns a Java call on the service interface into an {@link Invocation}. Async methods (returning
 * {@code CompletableFuture}) return at once and complete on the connection's I/O thread, so no thread is parked
 * and no task handed off per call; or on the reference's callback executor, if it has one. Blocking methods are
 * the async call plus a wait, refused on a Tern I/O thread (see {@link IoThreads}). toString/equals/hashCode and
 * default methods run locally.
 */
final class ProxyHandler implements InvocationHandler {
    private final Class<?> interfaceClass;
    private final String serviceKey;
    private final Invoker invoker;
    private final String target;
    private final long timeoutNanos;
    private final List<String> exceptionPackages;
    private final CallerFailures failures;
    /** Where async methods' futures complete (the caller's callbacks run there); null: on the I/O thread. */
    private final Executor callbackExecutor;
    private final Map<Method, ProxyMethod> methods = new HashMap<>();
    private static final Object[] NO_ARGS = new Object[0];

    ProxyHandler(Class<?> interfaceClass, String serviceKey, Invoker invoker, String target, Duration timeout,
                 Serializer serializer, Compression compression, List<String> exceptionPackages, boolean referenceIdempotent,
                 Executor callbackExecutor, CallerFailures failures) {
        this.interfaceClass = interfaceClass;
        this.serviceKey = serviceKey;
        this.invoker = invoker;
        this.target = target;
        this.timeoutNanos = timeout.toNanos();
        this.exceptionPackages = List.copyOf(exceptionPackages);
        this.callbackExecutor = callbackExecutor;
        this.failures = failures;
        boolean allIdempotent = referenceIdempotent || interfaceClass.isAnnotationPresent(Idempotent.class);
        for (Method m : interfaceClass.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            MethodCodecs codecs = new MethodCodecs(m);
            CallSpec spec;
            try {
                spec = CallSpec.of(codecs, serializer, compression, serviceKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot refer to " + serviceKey + ": " + e.getMessage(), e);
            }
            methods.put(m, new ProxyMethod(spec, codecs.descriptors(), codecs.async(),
                    allIdempotent || m.isAnnotationPresent(Idempotent.class), m.getExceptionTypes()));
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        ProxyMethod pm = methods.get(method);
        if (pm == null) {
            return invokeLocally(proxy, method, args);
        }
        if (!pm.async && IoThreads.current()) {
            throw IoThreads.blockingRefused("blocking call " + pm.spec.description()); // before anything is sent
        }
        // the reference's timeout; the deadline link shortens it for a call made while serving a request
        Attachments attachments = Attachments.ofCall(timeoutNanos / 1_000_000L, 0, false);
        RpcRequest request = new RpcRequest(serviceKey, method.getName(), pm.descriptors, args == null ? NO_ARGS : args, attachments);
        Invocation invocation = new Invocation(request, pm.spec, pm.idempotent, System.nanoTime() + timeoutNanos);
        CompletableFuture<RpcResponse> call = invoker.invoke(invocation);
        CallResult result = pm.async ? new CallResult(call, invocation, RpcContext.current(), failures.capture())
                : new CallResult(call, invocation, null, null);
        if (pm.async && callbackExecutor != null) {
            call.whenCompleteAsync(result, callbackExecutor); // the caller's callbacks run on that executor
        } else {
            call.whenComplete(result);
        }
        if (pm.async) {
            return result;
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw toThrowable(failures.thrown(io.tern.rpc.protocol.Failures.unwrap(e.getCause()), invocation), pm);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(false);
            throw new RpcException(Status.INTERNAL_ERROR, "interrupted while waiting for " + pm.spec.description() + " on " + target, true, e);
        }
    }

    /**
     * What a proxy method returns: the call's unwrapped result (failures wrapped in CompletionException, as
     * {@code thenApply} would). Cancelling it (a caller's {@code cancel(true)}) cancels the call, so the provider
     * gets CANCEL for every attempt in flight. Made under a provider's request, it completes with that request's
     * {@link RpcContext} set, so continuations that run on completion (a {@code thenCompose} making the next hop's
     * call) keep the incoming deadline and no-retry mark. An async call's failure is told in the caller's terms here;
     * a blocking call's on the calling thread, which then has the caller's frames.
     */
    private final class CallResult extends io.tern.rpc.transport.internal.CallFuture<Object> implements java.util.function.BiConsumer<RpcResponse, Throwable> {
        private final CompletableFuture<RpcResponse> call;
        private final Invocation invocation;
        private final RpcContext context;
        /**
         * Where an async call was made (rpc.consumer.capture-call-site), {@link CallSite#NOT_CAPTURED} for an async call
         * without it; null for a blocking call: one field for both (the object is 40 bytes with the invocation, 32 before it).
         */
        private final CallSite callSite;

        CallResult(CompletableFuture<RpcResponse> call, Invocation invocation, RpcContext context, CallSite callSite) {
            this.call = call;
            this.invocation = invocation;
            this.context = context;
            this.callSite = callSite;
        }

        @Override
        public void accept(RpcResponse response, Throwable error) {
            if (context == null) {
                settle(response, error);
            } else {
                context.wrap(() -> settle(response, error)).run();
            }
        }

        private void settle(RpcResponse response, Throwable error) {
            if (error != null) {
                fail(io.tern.rpc.protocol.Failures.unwrap(error));
                return;
            }
            try {
                complete(unwrap(response, invocation));
            } catch (RuntimeException e) {
                fail(io.tern.rpc.protocol.Failures.unwrap(e));
            }
        }

        private void fail(Throwable failure) {
            completeExceptionally(new CompletionException(callSite == null ? failure
                    : failures.completed(failure, invocation, callSite == CallSite.NOT_CAPTURED ? null : callSite)));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                call.cancel(mayInterruptIfRunning);
            }
            return cancelled;
        }
    }

    private Object unwrap(RpcResponse response, Invocation invocation) {
        if (response.status() == Status.OK) {
            return response.result();
        }
        if (response.status() == Status.APPLICATION_ERROR) {
            throw new CompletionException(RemoteExceptions.rebuild(response.errors(), Serializers.allowList(),
                    interfaceClass.getClassLoader(), exceptionPackages));
        }
        throw failures.refused(response, invocation);
    }

    private static Throwable toThrowable(Throwable cause, ProxyMethod pm) {
        if (cause instanceof RuntimeException || cause instanceof Error) {
            return cause;
        }
        for (Class<?> declared : pm.exceptionTypes) {
            if (declared.isInstance(cause)) {
                return cause;
            }
        }
        return new RpcException(Status.APPLICATION_ERROR, "provider threw undeclared checked exception " + cause, true, cause);
    }

    private Object invokeLocally(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "toString" -> "TernProxy[" + serviceKey + " -> " + target + "]";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.toString());
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw new UnsupportedOperationException("not a remote method: " + method);
    }

    private record ProxyMethod(CallSpec spec, String[] descriptors, boolean async, boolean idempotent, Class<?>[] exceptionTypes) {
    }
}
