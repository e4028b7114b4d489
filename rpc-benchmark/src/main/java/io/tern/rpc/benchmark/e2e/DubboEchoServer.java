package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.EchoService;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * The Dubbo provider of mode {@code dubbo}: {@link EchoService} exported over the dubbo protocol through the API
 * configuration (no Spring, no registry: the consumer connects by direct URL). Dubbo's defaults: its default
 * serialization, its server thread pool (fixed, 200 threads, all messages dispatched to it), one shared connection.
 * The service returns {@code CompletableFuture}s, so Dubbo treats every method as async on both sides. Settings that
 * are not Dubbo's defaults: a free port and the QoS console off (its fixed port 22222 would clash between the two
 * JVMs; it serves no call). Host 127.0.0.1 is asked for, but Dubbo takes a loopback host as "any host": it listens on
 * 0.0.0.0 and advertises the machine's address, and its client swaps 127.0.0.1 for that address too
 * ({@code NetUtils.filterLocalHost}), so a loopback-only Dubbo provider could not be reached by a Dubbo consumer.
 */
final class DubboEchoServer implements AutoCloseable {
    private final FrameworkModel framework;
    private final DubboBootstrap bootstrap;
    private final ServiceConfig<EchoService> service;

    DubboEchoServer(EchoService impl) {
        DubboApps.useSlf4j();
        framework = new FrameworkModel();
        bootstrap = DubboBootstrap.newInstance(framework);
        service = new ServiceConfig<>();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", -1); // -1: the first free port from Dubbo's default on
        protocol.setHost("127.0.0.1");
        service.setInterface(EchoService.class);
        service.setRef(impl);
        bootstrap.application(DubboApps.application("tern-bench-dubbo-provider"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .protocol(protocol)
                .service(service)
                .start();
    }

    int port() {
        return service.getExportedUrls().get(0).getPort();
    }

    /** The exported URL with Dubbo's effective parameters (serialization, threads), for the report. */
    URL url() {
        return service.getExportedUrls().get(0);
    }

    @Override
    public void close() {
        try {
            bootstrap.destroy();
        } finally {
            framework.destroy();
        }
    }
}
