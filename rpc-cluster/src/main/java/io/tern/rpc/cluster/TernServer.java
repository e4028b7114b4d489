package io.tern.rpc.cluster;

import io.tern.rpc.registry.ProviderInfo;
import io.tern.rpc.registry.Registries;
import io.tern.rpc.registry.Registry;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.TransportServer;
import io.tern.rpc.transport.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A provider: an {@link TransportServer} plus its registry entries. {@link #start()} binds first and registers only once
 * the server is ready; {@link #close()} unregisters first, then drains the server (GOAWAY, in-flight calls finish
 * up to the shutdown grace), then closes the registry session (unless the registry was given to it).
 *
 * <p>Tern's threads are daemons: a {@code main} that returns after {@link #start()} ends the process. A provider
 * program blocks in {@link #awaitTermination()}, and asks for a graceful close on SIGTERM or Ctrl-C with
 * {@link #closeOnShutdown()}:
 *
 * <pre>{@code
 * TernServer server = new TernServer(ServerConfig.builder().port(7070).build(),
 *         RegistryConfig.of("zookeeper://127.0.0.1:2181"), null);
 * server.export(ServiceExport.of(HelloService.class, new HelloServiceImpl()));
 * server.closeOnShutdown().start();
 * server.awaitTermination();
 * }</pre>
 */
public final class TernServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TernServer.class);

    private final TransportServer server;
    /** Null when the registry was given: it is then {@link #givenRegistry}, which close() leaves open. */
    private final RegistryConfig registryConfig;
    private final Registry givenRegistry;
    private final String advertisedHost;
    private final List<ServiceExport<?>> exports = new ArrayList<>();
    private final List<ProviderInfo> registered = new ArrayList<>();
    private final ServerTermination termination = new ServerTermination();
    private Registry registry;
    private long startedAt;
    /** Registered in the registry; false between {@link #offline()} and {@link #online()}. */
    private volatile boolean online = true;
    /** The bound port, kept from start (0 before): readable after close too. */
    private volatile int boundPort;

    /** @param advertisedHost the address to register (null: detect it, see {@link AdvertisedAddress}). */
    public TernServer(ServerConfig serverConfig, RegistryConfig registryConfig, String advertisedHost) {
        this(serverConfig, java.util.Objects.requireNonNull(registryConfig, "registryConfig"), null, advertisedHost);
    }

    /**
     * A provider registering in a registry made elsewhere (any {@link Registry} implementation): {@link #close()}
     * unregisters this provider's services but leaves the registry open, as {@link TernClient} does.
     */
    public TernServer(ServerConfig serverConfig, Registry registry, String advertisedHost) {
        this(serverConfig, null, java.util.Objects.requireNonNull(registry, "registry"), advertisedHost);
    }

    private TernServer(ServerConfig serverConfig, RegistryConfig registryConfig, Registry givenRegistry, String advertisedHost) {
        this.server = new TransportServer(serverConfig);
        this.registryConfig = registryConfig;
        this.givenRegistry = givenRegistry;
        this.advertisedHost = AdvertisedAddress.choose(advertisedHost, serverConfig.host(), AdvertisedAddress.localInterfaces());
    }

    /**
     * Adds a filter around the methods of every service exported from now on, before each service's own filters (see
     * {@link io.tern.rpc.transport.ServerFilter}); filters run in the order they are added.
     */
    public synchronized TernServer filter(io.tern.rpc.transport.ServerFilter filter) {
        server.filter(filter);
        return this;
    }

    public synchronized TernServer export(ServiceExport<?> export) {
        io.tern.rpc.protocol.serialize.Serializer codec = io.tern.rpc.protocol.serialize.Serializers.byName(export.serialization());
        if (!server.config().decodes(codec.id())) {
            throw new IllegalArgumentException("service " + export.serviceKey() + " is exported with serialization " + codec.name()
                    + ", which this provider does not decode: add it to rpc.server.serializations (now " + server.config().serializationNames() + ")");
        }
        server.export(export.toExportedService());
        exports.add(export);
        if (registry != null && online) {
            register(export);
        }
        return this;
    }

    /** Binds, connects to the registry, then registers every export (providers are visible only once ready). */
    public synchronized TernServer start() {
        server.start();
        boundPort = server.port();
        try {
            registry = givenRegistry != null ? givenRegistry : Registries.create(registryConfig);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        startedAt = System.currentTimeMillis();
        if (online) {
            for (ServiceExport<?> export : exports) {
                register(export);
            }
        }
        return this;
    }

    /**
     * Takes this provider out of the registry (every service it exports) while it keeps serving: calls already routed
     * here are answered, and consumers stop sending new ones once their registry watch fires (they keep the connection
     * as a fallback for a moment, so no call fails). Nothing else changes; {@link #online()} registers it again.
     * Before {@link #start()}, start() will not register. For maintenance and rolling deploys (README, Operating).
     */
    public synchronized void offline() {
        if (!online) {
            return;
        }
        online = false;
        unregisterAll();
        log.info("Tern RPC provider {} offline: unregistered, still answering calls routed to it", address());
    }

    /**
     * Registers this provider again after {@link #offline()}, with a new start timestamp, so consumers warm it up
     * (rpc.consumer.warmup) as they would a provider that just started.
     */
    public synchronized void online() {
        if (online) {
            return;
        }
        online = true;
        if (registry != null) {
            startedAt = System.currentTimeMillis();
            for (ServiceExport<?> export : exports) {
                register(export);
            }
            log.info("Tern RPC provider {} online: registered again", address());
        }
    }

    /** Registered (or to be registered at start); false after {@link #offline()}. */
    public boolean isOnline() {
        return online;
    }

    /** The provider side as it is now: serving, online, services, calls in flight, executor, connections, registry. */
    public ServerView view() {
        Registry r;
        List<String> services = new ArrayList<>();
        synchronized (this) {
            r = registry;
            for (ServiceExport<?> export : exports) {
                services.add(export.serviceKey());
            }
        }
        return new ServerView(address(), server.isServing(), online,
                List.copyOf(services), server.inFlight(), server.executorOutstanding(), server.executorThreads(), server.serverBusy(),
                server.connections(), r == null ? "none" : r.status().state().name());
    }

    /** host:port once bound; host:? before. */
    private String address() {
        return advertisedHost + ":" + (boundPort == 0 ? "?" : String.valueOf(boundPort));
    }

    private void unregisterAll() {
        if (registry != null && !registered.isEmpty()) {
            try {
                registry.unregisterAll(List.copyOf(registered)); // together: consumers see every service go at once
            } catch (RuntimeException e) {
                log.warn("Could not unregister {}: {}", registered.get(0).address(), e.toString());
            }
        }
        registered.clear();
    }

    private void register(ServiceExport<?> export) {
        ProviderInfo info = new ProviderInfo(export.serviceKey(), advertisedHost, server.port(), export.weight(), export.serialization(),
                startedAt, export.version(), export.group(), Map.of());
        registry.register(info);
        registered.add(info);
    }

    public int port() {
        return server.port();
    }

    public String advertisedHost() {
        return advertisedHost;
    }

    /** The registry session (null before {@link #start()}). */
    public Registry registry() {
        return registry;
    }

    public TransportServer transportServer() {
        return server;
    }

    /** Bound and taking calls (not yet started, draining or closed: false). */
    public boolean isServing() {
        return server.isServing();
    }

    /**
     * Closes this server gracefully when the JVM shuts down (SIGTERM, Ctrl-C, {@code System.exit}): unregisters,
     * drains in-flight calls up to the shutdown grace (rpc.server.shutdown-grace), closes. The hook is removed when
     * the server is closed otherwise. Not for a server whose life a container manages (Spring closes its own).
     * A JVM ended by SIGTERM exits with status 143 (128 + 15) after its hooks have run, whatever they do.
     */
    public synchronized TernServer closeOnShutdown() {
        termination.installHook(this::close, () -> "Tern RPC provider " + address(), server.config().shutdownGrace());
        return this;
    }

    /** The JVM shutdown hook registered by {@link #closeOnShutdown()} (null if none): tests run it in place. */
    synchronized Thread shutdownHook() {
        return termination.hook();
    }

    /**
     * Blocks until this server has been closed (by {@link #close()} from another thread, or by the hook of
     * {@link #closeOnShutdown()}). What a provider's {@code main} calls after {@link #start()}, since Tern's threads
     * do not keep the JVM alive.
     */
    public void awaitTermination() throws InterruptedException {
        termination.await();
    }

    /** As {@link #awaitTermination()}, for at most {@code timeout}: true if the server was closed within it. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return termination.await(timeout);
    }

    /** Closed: {@link #close()} has finished. */
    public boolean isTerminated() {
        return termination.isTerminated();
    }

    /** Graceful stop: unregister, drain, close. Wakes {@link #awaitTermination()} once done. */
    @Override
    public synchronized void close() {
        try {
            unregisterAll();
            server.close();
            if (registry != null && registry != givenRegistry) {
                registry.close();
            }
            registry = null;
        } finally {
            termination.removeHook();
            termination.terminated();
        }
    }
}
