package io.tern.rpc.spring;

import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.transport.ExportedService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The provider side. When the context has started (every singleton created), it collects the beans carrying
 * {@link RpcService}; if there are none, nothing starts. Otherwise it binds the server, then registers every
 * service, and keeps the JVM alive (a non-daemon thread) while the server is up, so a provider without a web server
 * keeps running.
 *
 * <p>On stop (context close, SIGTERM through Spring Boot's shutdown hook) it unregisters, sends GOAWAY, drains
 * in-flight calls up to {@code rpc.server.shutdown-grace}, then closes. It runs in a later start / earlier stop phase
 * than ordinary lifecycle beans and the consumer side, so services are published last and withdrawn first.
 */
public class RpcProviderLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RpcProviderLifecycle.class);

    /** Starts last, stops first. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

    private final RpcSettings settings;
    private final ListableBeanFactory beanFactory;
    // read without the lock: a service method asking for port() while stop() drains must not wait for the drain
    private volatile TernServer server;
    private volatile List<String> serviceKeys = List.of();
    private volatile boolean running;
    private Thread keepAlive;
    private CountDownLatch keepAliveLatch;

    private final RpcExtensions extensions;

    public RpcProviderLifecycle(RpcProperties properties, ListableBeanFactory beanFactory) {
        this(properties, beanFactory, RpcExtensions.NONE);
    }

    /** @param observers where to report served calls; may be null or empty */
    public RpcProviderLifecycle(RpcProperties properties, ListableBeanFactory beanFactory, ObjectProvider<RpcCallObserver> observers) {
        this(properties, beanFactory, new RpcExtensions(null, observers, null, null, null));
    }

    RpcProviderLifecycle(RpcProperties properties, ListableBeanFactory beanFactory, RpcExtensions extensions) {
        this.settings = properties.settings();
        this.beanFactory = beanFactory;
        this.extensions = extensions;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        List<ServiceExport<?>> exports = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String name : beanFactory.getBeanNamesForAnnotation(RpcService.class)) {
            RpcService annotation = beanFactory.findAnnotationOnBean(name, RpcService.class);
            Object bean = beanFactory.getBean(name);
            ServiceExport<?> export = export(name, bean, annotation);
            exports.add(export);
            keys.add(export.serviceKey());
        }
        serviceKeys = List.copyOf(keys);
        if (exports.isEmpty()) {
            running = true; // nothing to serve: no server, no registry session
            return;
        }
        io.tern.rpc.registry.Registry given = extensions.registry();
        TernServer s = given != null ? new TernServer(settings.server().config(), given, settings.server().advertisedHost())
                : new TernServer(settings.server().config(), settings.registry(), settings.server().advertisedHost());
        try {
            extensions.addTo(s);
            for (ServiceExport<?> e : exports) {
                s.export(e);
            }
            s.start();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        server = s;
        keepAliveLatch = new CountDownLatch(1);
        CountDownLatch latch = keepAliveLatch;
        keepAlive = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tern-rpc-keep-alive-" + s.port());
        keepAlive.setDaemon(false); // the provider's reason to live when nothing else (a web server) holds the JVM
        keepAlive.start();
        running = true;
        log.info("Tern RPC provider serving {} on {}:{}, registered at {}", serviceKeys, s.advertisedHost(), s.port(),
                settings.registry().address());
    }

    private ServiceExport<?> export(String beanName, Object bean, RpcService annotation) {
        Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        String where = "@RpcService on " + userClass.getName() + " (bean '" + beanName + "')";
        Class<?> iface = serviceInterface(annotation, userClass, bean, where);
        ExportedService.ExecutionMode mode = switch (annotation.mode().trim().toLowerCase(Locale.ROOT)) {
            case "executor", "" -> ExportedService.ExecutionMode.EXECUTOR;
            case "direct" -> ExportedService.ExecutionMode.DIRECT;
            default -> throw new RpcConfigurationException(where + " mode",
                    where + ": mode = \"" + annotation.mode() + "\" is unknown; use executor (methods may block) or direct (run on the I/O thread)");
        };
        int weight = annotation.weight() == -1 ? settings.server().weight() : annotation.weight();
        if (weight < 0) {
            throw new RpcConfigurationException(where + " weight", where + ": weight must be >= 0 (or -1 for rpc.server.weight), was " + weight);
        }
        return exportOf(iface, bean, where)
                .version(annotation.version()).group(annotation.group()).weight(weight)
                .serialization(settings.wire().serialization()).mode(mode);
    }

    @SuppressWarnings("unchecked")
    private static <T> ServiceExport<T> exportOf(Class<T> iface, Object bean, String where) {
        try {
            return ServiceExport.of(iface, (T) bean);
        } catch (IllegalArgumentException e) {
            throw new RpcConfigurationException(where, where + ": " + e.getMessage(), e);
        }
    }

    private static Class<?> serviceInterface(RpcService annotation, Class<?> userClass, Object bean, String where) {
        if (annotation.interfaceClass() != void.class) {
            Class<?> iface = annotation.interfaceClass();
            if (!iface.isInterface()) {
                throw new RpcConfigurationException(where + " interfaceClass", where + ": interfaceClass " + iface.getName() + " is not an interface");
            }
            if (!iface.isInstance(bean)) {
                throw new RpcConfigurationException(where + " interfaceClass", where + ": the bean does not implement interfaceClass " + iface.getName());
            }
            return iface;
        }
        Set<Class<?>> candidates = new LinkedHashSet<>();
        for (Class<?> c = userClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (!isFrameworkInterface(i)) {
                    candidates.add(i);
                }
            }
        }
        if (candidates.size() == 1) {
            return candidates.iterator().next();
        }
        throw new RpcConfigurationException(where + " interfaceClass", where + ": implements " + (candidates.isEmpty() ? "no service interface"
                : candidates.size() + " interfaces " + candidates.stream().map(Class::getName).toList())
                + "; name the one to export with @RpcService(interfaceClass = ...)");
    }

    private static boolean isFrameworkInterface(Class<?> i) {
        String n = i.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jakarta.") || n.startsWith("org.springframework.")
                || n.startsWith("groovy.") || n.startsWith("kotlin.");
    }

    /** Unregisters, sends GOAWAY, drains up to {@code rpc.server.shutdown-grace}, closes. */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        TernServer s = server;
        if (s != null) {
            log.info("Tern RPC provider stopping: unregistering {}, draining up to {} ms", serviceKeys,
                    settings.server().config().shutdownGrace().toMillis());
            try {
                s.close(); // port() keeps answering during the drain
            } finally {
                server = null;
                keepAliveLatch.countDown();
                keepAlive = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The bound port while serving, else -1 (useful with {@code rpc.server.port=0}). */
    public int port() {
        TernServer s = server;
        return s == null ? -1 : s.port();
    }

    /** The service keys exported (empty if no bean carries {@link RpcService}). */
    public List<String> serviceKeys() {
        return serviceKeys;
    }

    /** The running server, or null. */
    public TernServer server() {
        return server;
    }
}
