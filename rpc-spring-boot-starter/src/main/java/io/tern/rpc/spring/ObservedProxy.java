package io.tern.rpc.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Wraps a service (a client proxy or a provider bean) so that each call is reported to an {@link RpcCallObserver}. */
final class ObservedProxy implements InvocationHandler {
    private final Object target;
    private final String serviceKey;
    private final RpcCallObserver.Side side;
    private final RpcCallObserver observer;

    private ObservedProxy(Object target, String serviceKey, RpcCallObserver.Side side, RpcCallObserver observer) {
        this.target = target;
        this.serviceKey = serviceKey;
        this.side = side;
        this.observer = observer;
    }

    static <T> T wrap(Class<T> iface, T target, String serviceKey, RpcCallObserver.Side side, RpcCallObserver observer) {
        if (observer == null || !observer.enabled()) {
            return target;
        }
        return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[]{iface},
                new ObservedProxy(target, serviceKey, side, observer)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "observed " + target;
            };
        }
        long start = System.nanoTime();
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            observe(method, start, e.getCause());
            throw e.getCause();
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> observe(method, start,
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
        } else {
            observe(method, start, null);
        }
        return result;
    }

    private void observe(Method method, long start, Throwable error) {
        try {
            observer.onCall(side, serviceKey, method.getName(), System.nanoTime() - start, error);
        } catch (RuntimeException ignored) {
            // an observer's failure must never change the call's outcome
        }
    }
}
