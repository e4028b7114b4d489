package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.benchmark.model.WireSamples;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Dubbo consumer: a {@link ReferenceConfig} of {@link EchoService} by direct URL {@code dubbo://127.0.0.1:port} (no
 * registry), Dubbo's defaults (one shared connection, its default serialization, its consumer thread pool), the same
 * 10 s timeout as Tern's calls (Dubbo's default is 1 s). The interface returns {@code CompletableFuture}, so calls
 * are async; each slot issues its next call from the completion of the previous one, on whatever thread Dubbo
 * completes the future, as {@link TernLoad}'s slots do, through the same direct interface calls
 * ({@link ProxySlots}).
 */
final class DubboLoad implements LoadTarget {
    private static final long VERIFY_SECONDS = 60;
    private final FrameworkModel framework;
    private final DubboBootstrap bootstrap;
    private final EchoService service;

    DubboLoad(int port) throws Exception {
        DubboApps.useSlf4j();
        framework = new FrameworkModel();
        bootstrap = DubboBootstrap.newInstance(framework);
        ReferenceConfig<EchoService> reference = new ReferenceConfig<>();
        reference.setInterface(EchoService.class);
        reference.setUrl("dubbo://127.0.0.1:" + port);
        reference.setTimeout((int) WireSamples.TIMEOUT_MILLIS);
        bootstrap.application(DubboApps.application("tern-bench-dubbo-consumer"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .reference(reference)
                .start();
        service = reference.get();
        try {
            verify("echo");
            verify("pojo");
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * One call of {@code call}, checked to come back equal to its argument, so a broken peer cannot post numbers.
     * Retried on failure for up to {@link #VERIFY_SECONDS}: each try has Dubbo's 10 s timeout, and on a busy machine a
     * fresh provider's first answers can take longer.
     */
    private void verify(String call) throws Exception {
        Object arg = WireSamples.argument(call);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(VERIFY_SECONDS);
        Object echoed;
        while (true) {
            try {
                echoed = ProxySlots.invoker(call).apply(service).get(WireSamples.TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
                break;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LoggerFactory.getLogger(DubboLoad.class).warn("Dubbo {} call failed, trying again: {}", call, e.getCause().toString());
            }
        }
        if (!Objects.deepEquals(arg, echoed)) {
            throw new IllegalStateException("the Dubbo provider did not echo the " + call + " argument");
        }
    }

    @Override
    public void start(String call, int concurrency, LoopState state) {
        try {
            verify(call);
        } catch (Exception e) {
            throw new IllegalStateException("Dubbo " + call + " call failed", e);
        }
        ProxySlots.start(service, call, concurrency, state);
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
