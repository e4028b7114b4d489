package io.tern.rpc.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tern.rpc.cluster.ProviderView;
import io.tern.rpc.cluster.ReferenceView;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.transport.TransportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Per-reference, per-provider and provider-side meters (README, Operating). Nothing here is on the call path: the
 * provider side is read when the registry is scraped; the consumer side from {@link RpcReferences#views()} every
 * {@value #REFRESH_SECONDS} s (providers come and go, so their gauges are rows of a {@link MultiGauge}).
 * <ul>
 *   <li>{@code rpc.client.provider.in.flight}, {@code rpc.client.provider.latency} (EWMA, ms),
 *   {@code rpc.client.provider.connected} and {@code rpc.client.provider.ejected} (1 or 0), tagged {@code rpc.service}
 *   and {@code rpc.provider}; counter {@code rpc.client.provider.ejections} is their sum of outlier ejections per service</li>
 *   <li>{@code rpc.client.retries}, {@code rpc.client.backups}, {@code rpc.client.retry.budget.refusals} (counters) and
 *   {@code rpc.client.retry.budget.level} (gauge), tagged {@code rpc.service}</li>
 *   <li>{@code rpc.server.in.flight}, {@code rpc.server.executor.outstanding}, {@code rpc.server.connections},
 *   {@code rpc.server.online} (gauges) and {@code rpc.server.busy} (counter of SERVER_BUSY answers)</li>
 * </ul>
 */
final class RpcMeters implements MeterBinder, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RpcMeters.class);
    static final int REFRESH_SECONDS = 5;

    private final RpcReferences references;
    private final RpcProviderLifecycle provider;
    private final List<Bound> bound = new ArrayList<>();
    private ScheduledExecutorService refresher;

    RpcMeters(RpcReferences references, RpcProviderLifecycle provider) {
        this.references = references;
        this.provider = provider;
    }

    /** One registry's meters; the per-service totals are kept here, refreshed with the provider rows. */
    private static final class Bound {
        final MeterRegistry registry;
        final MultiGauge inFlight;
        final MultiGauge latency;
        final MultiGauge connected;
        final MultiGauge ejected;
        final Map<String, ReferenceView> latest = new ConcurrentHashMap<>();

        Bound(MeterRegistry registry) {
            this.registry = registry;
            this.inFlight = MultiGauge.builder("rpc.client.provider.in.flight").description("Calls sent to the provider and not answered").register(registry);
            this.latency = MultiGauge.builder("rpc.client.provider.latency").baseUnit("milliseconds")
                    .description("The provider's peak-EWMA latency, as the balancer sees it").register(registry);
            this.connected = MultiGauge.builder("rpc.client.provider.connected").description("1 while the connection to the provider is up").register(registry);
            this.ejected = MultiGauge.builder("rpc.client.provider.ejected").description("1 while the provider is ejected").register(registry);
        }
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        server(registry, "rpc.server.in.flight", "Calls accepted and not yet answered", s -> s.inFlight());
        server(registry, "rpc.server.executor.outstanding", "Calls on the business executor, queued or running", s -> s.executorOutstanding());
        server(registry, "rpc.server.connections", "Client connections open", s -> s.connections());
        Gauge.builder("rpc.server.online", provider, p -> p.server() != null && p.server().isOnline() ? 1 : 0)
                .description("1 while registered, 0 after offline").register(registry);
        FunctionCounter.builder("rpc.server.busy", provider, p -> p.server() == null ? 0 : p.server().transportServer().serverBusy())
                .description("Requests answered SERVER_BUSY").register(registry);
        bound.add(new Bound(registry));
        refresh();
        if (refresher == null) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-rpc-meters");
                t.setDaemon(true);
                return t;
            });
            refresher.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void server(MeterRegistry registry, String name, String description, ToDoubleFunction<TransportServer> value) {
        Gauge.builder(name, provider, p -> {
            TernServer server = p.server();
            return server == null ? 0 : value.applyAsDouble(server.transportServer());
        }).description(description).register(registry);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Could not refresh the Tern RPC client meters: {}", e.toString(), e);
        }
    }

    /** Reads the references' views into the gauges (and registers the counters of services seen for the first time). */
    synchronized void refresh() {
        List<ReferenceView> views = references.views();
        for (Bound b : bound) {
            List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
            List<MultiGauge.Row<?>> latency = new ArrayList<>();
            List<MultiGauge.Row<?>> connected = new ArrayList<>();
            List<MultiGauge.Row<?>> ejected = new ArrayList<>();
            for (ReferenceView view : views) {
                if (b.latest.put(view.serviceKey(), view) == null) {
                    registerTotals(b, view.serviceKey());
                }
                for (ProviderView p : view.providers()) {
                    Tags tags = Tags.of("rpc.service", view.serviceKey(), "rpc.provider", p.address());
                    inFlight.add(MultiGauge.Row.of(tags, p.inFlight()));
                    latency.add(MultiGauge.Row.of(tags, p.ewmaMillis()));
                    connected.add(MultiGauge.Row.of(tags, p.connected() ? 1 : 0));
                    ejected.add(MultiGauge.Row.of(tags, p.state().equals("ejected") ? 1 : 0));
                }
            }
            b.inFlight.register(inFlight, true);
            b.latency.register(latency, true);
            b.connected.register(connected, true);
            b.ejected.register(ejected, true);
        }
    }

    private static void registerTotals(Bound b, String serviceKey) {
        Map<String, ReferenceView> latest = b.latest;
        Tags tags = Tags.of("rpc.service", serviceKey);
        FunctionCounter.builder("rpc.client.retries", latest, m -> m.get(serviceKey).retriesSent()).tags(tags)
                .description("Retries sent").register(b.registry);
        FunctionCounter.builder("rpc.client.backups", latest, m -> m.get(serviceKey).backupsSent()).tags(tags)
                .description("Backup requests sent").register(b.registry);
        FunctionCounter.builder("rpc.client.retry.budget.refusals", latest, m -> m.get(serviceKey).budgetRefusals()).tags(tags)
                .description("Retries or backups refused because the retry budget was spent").register(b.registry);
        FunctionCounter.builder("rpc.client.provider.ejections", latest,
                        m -> m.get(serviceKey).providers().stream().mapToLong(ProviderView::ejections).sum()).tags(tags)
                .description("Outlier ejections of the service's listed providers").register(b.registry);
        Gauge.builder("rpc.client.retry.budget.level", latest, m -> m.get(serviceKey).retryBudgetLevel()).tags(tags)
                .description("Tokens a retry or backup could take now").register(b.registry);
    }

    @Override
    public synchronized void destroy() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }
}
