package io.tern.rpc.benchmark.e2e;

import io.tern.rpc.benchmark.model.EchoService;
import io.tern.rpc.benchmark.model.Payloads;
import io.tern.rpc.benchmark.model.SmallPojo;
import io.tern.rpc.benchmark.model.WireSamples;
import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.observation.RpcObservations;
import io.tern.rpc.transport.ClientConfig;
import io.tern.rpc.transport.TransportClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Tern consumer: a default {@link TransportClient} and a proxy over one connection (Protostuff). Calls are async; the
 * future completes on the client I/O thread and the slot issues its next call right there, without a hand-off.
 */
final class TernLoad implements LoadTarget {
    /** tern-default with gzip for bodies of 1 KiB or more, requests and responses. */
    static final String GZIP_MODE = "tern-gzip";

    private final TransportClient client;
    private final EchoService service;

    /** @param mode for an observed mode, with the rpc.client observation filter over that mode's registry ({@link Observed}) */
    TernLoad(int port, String mode) throws Exception {
        client = new TransportClient(ClientConfig.defaults());
        Reference<EchoService> reference = Reference.to(EchoService.class).address("127.0.0.1:" + port)
                .timeout(Duration.ofMillis(WireSamples.TIMEOUT_MILLIS));
        if (mode.equals(GZIP_MODE)) {
            reference.compression(io.tern.rpc.protocol.Compression.gzip(io.tern.rpc.protocol.Compression.DEFAULT_THRESHOLD));
        }
        if (Observed.observed(mode)) {
            reference.filter(RpcObservations.client(Observed.registry(mode)));
        }
        service = reference.create(client);
        String echoed = service.echo(Payloads.ECHO_STRING).get(10, TimeUnit.SECONDS);
        SmallPojo pojo = service.echoPojo(Payloads.small()).get(10, TimeUnit.SECONDS);
        if (!Payloads.ECHO_STRING.equals(echoed) || !Payloads.small().equals(pojo)) {
            throw new IllegalStateException("the Tern provider did not echo its arguments");
        }
    }

    @Override
    public void start(String call, int concurrency, LoopState state) {
        Function<EchoService, CompletableFuture<?>> invoke = ProxySlots.invoker(call);
        if (!call.equals("echo") && !call.equals("pojo")) {
            // the size calls are checked once before they are measured
            Object echoed = invoke.apply(service).join();
            if (!WireSamples.argument(call).equals(echoed)) {
                throw new IllegalStateException("the Tern provider did not echo the " + call + " argument");
            }
        }
        ProxySlots.start(service, call, concurrency, state);
    }

    @Override
    public void close() {
        client.close();
    }
}
