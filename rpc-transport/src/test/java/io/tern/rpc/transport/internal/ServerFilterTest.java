package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.protocol.RpcResponse;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.testsupport.LeakCheckExtension;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.LoadedServerFilter;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.ServerFilter;
import io.tern.rpc.transport.TransportClient;
import io.tern.rpc.transport.TransportServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ServerFilter}s around the provider's methods, over real connections on 127.0.0.1. */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerFilterTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final GreeterImpl impl = new GreeterImpl() {
        @Override
        public String hello(String name) {
            events.add("method " + name);
            return super.hello(name);
        }
    };

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TransportServer server(List<ServerFilter> global, List<ServerFilter> perService) {
        TransportServer s = new TransportServer(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(1).build());
        toClose.add(s);
        global.forEach(s::filter);
        s.export(ExportedService.of(Greeter.class, impl, "", "", ExportedService.ExecutionMode.EXECUTOR).withFilters(perService));
        return s.start();
    }

    private ClientConnection connect(TransportServer s) {
        TransportClient client = Calls.client();
        toClose.add(client);
        ClientConnection c = client.connection("127.0.0.1", s.port());
        Poll.until(Duration.ofSeconds(5), "connection READY", () -> c.state() == ClientConnection.State.READY);
        return c;
    }

    private static RpcResponse hello(ClientConnection c, String name, Map<String, String> attachments) throws Exception {
        return c.call(Calls.request("hello", new Class<?>[]{String.class}, new Object[]{name}, attachments), Calls.spec("hello", String.class), 10_000)
                .get(10, TimeUnit.SECONDS);
    }

    /** Records what it sees of the call, before and after the rest of the chain. */
    private ServerFilter recording(String name) {
        return (call, next) -> {
            events.add(name + " sees " + call.serviceKey() + " " + call.method().getName() + Arrays.toString(call.arguments())
                    + " trace=" + call.attachment("trace") + " peer=" + call.peer() + " async=" + call.async());
            Object result = next.invoke(call);
            events.add(name + " returns " + result);
            return result;
        };
    }

    @Test
    void globalThenServiceFiltersRunAroundTheMethodAndSeeTheCall() throws Exception {
        ClientConnection c = connect(server(List.of(recording("global")), List.of(recording("service"))));
        String peer = FrameDecoder.peer(c.channel().localAddress());

        RpcResponse r = hello(c, "ann", Map.of("trace", "t-1", LoadedServerFilter.ATTACHMENT, "mark"));

        assertEquals(Status.OK, r.status(), r::message);
        assertEquals("hello ann+loaded", r.result());
        String seen = Greeter.class.getName() + " hello[ann+loaded] trace=t-1 peer=" + peer + " async=false";
        assertEquals(List.of("global sees " + seen, "service sees " + seen, "method ann+loaded",
                "service returns hello ann+loaded", "global returns hello ann+loaded"), events,
                "the ServiceLoader filter first (it marked the argument), then global, then per-service, then the method");
    }

    @Test
    void aFilterCanReplaceAnArgument() throws Exception {
        ServerFilter replace = (call, next) -> {
            call.arguments()[0] = "bob";
            return next.invoke(call);
        };
        ClientConnection c = connect(server(List.of(), List.of(replace)));

        RpcResponse r = hello(c, "ann", Map.of());

        assertEquals("hello bob", r.result());
        assertEquals(List.of("method bob"), events);
    }

    @Test
    void aRejectionReachesTheClientAsItsStatusAndMessageAndTheMethodDoesNotRun() throws Exception {
        ServerFilter tenant = (call, next) -> call.attachment("tenant") == null
                ? call.reject(Status.BAD_REQUEST, "no tenant") : next.invoke(call);
        ServerFilter shed = (call, next) -> "yes".equals(call.attachment("shed"))
                ? call.reject(Status.SERVER_BUSY, "shedding load, try another provider") : next.invoke(call);
        ClientConnection c = connect(server(List.of(shed), List.of(tenant)));

        RpcResponse busy = hello(c, "ann", Map.of("shed", "yes", "tenant", "t"));
        RpcResponse bad = hello(c, "ann", Map.of());
        RpcResponse ok = hello(c, "ann", Map.of("tenant", "t"));

        assertEquals(Status.SERVER_BUSY, busy.status());
        assertEquals("shedding load, try another provider", busy.message());
        assertEquals(Status.BAD_REQUEST, bad.status());
        assertEquals("no tenant", bad.message());
        assertEquals(Status.OK, ok.status(), ok::message);
        assertEquals(1, impl.calls.get(), "only the admitted call ran");
    }

    @Test
    void anExceptionFromAFilterReachesTheClientAsTheApplicationException() throws Exception {
        ServerFilter failing = (call, next) -> {
            throw new IllegalStateException("filter says no");
        };
        ClientConnection c = connect(server(List.of(failing), List.of()));

        RpcResponse r = hello(c, "ann", Map.of());

        assertEquals(Status.APPLICATION_ERROR, r.status());
        assertEquals(IllegalStateException.class.getName(), r.errors().get(0).className());
        assertEquals("filter says no", r.message());
        assertEquals(0, impl.calls.get());
    }

    @Test
    void asyncMethodsPassTheirFutureThroughFilters() throws Exception {
        List<Object> results = new CopyOnWriteArrayList<>();
        ServerFilter decorate = (call, next) -> {
            Object future = next.invoke(call);
            results.add(call.async() + " " + future.getClass().getSimpleName());
            return ((CompletableFuture<?>) future).thenApply(value -> value + "!");
        };
        ClientConnection c = connect(server(List.of(decorate), List.of()));

        RpcResponse done = c.call(Calls.request("helloAsync", new Class<?>[]{String.class}, new Object[]{"ann"}, Map.of()),
                Calls.spec("helloAsync", String.class), 10_000).get(10, TimeUnit.SECONDS);
        RpcResponse later = c.call(Calls.request("slowAsync", new Class<?>[]{long.class}, new Object[]{50L}, Map.of()),
                Calls.spec("slowAsync", long.class), 10_000).get(10, TimeUnit.SECONDS);

        assertEquals("async hello ann!", done.result());
        assertEquals("slept 50!", later.result(), "a future completed after the method returned");
        assertEquals(List.of("true CompletableFuture", "true CompletableFuture"), results);
    }

    @Test
    void aFilterFoundThroughServiceLoaderIsApplied() throws Exception {
        ClientConnection c = connect(server(List.of(), List.of()));

        RpcResponse r = hello(c, "ann", Map.of(LoadedServerFilter.ATTACHMENT, "reject"));

        assertEquals(Status.BAD_REQUEST, r.status());
        assertEquals("refused by the filter from META-INF/services", r.message());
        assertEquals(0, impl.calls.get());
    }

    @Test
    void rejectingWithOkOrApplicationErrorIsRefused() throws Exception {
        ServerFilter wrong = (call, next) -> call.reject("ok".equals(call.attachment("as")) ? Status.OK : Status.APPLICATION_ERROR, "fine");
        ClientConnection c = connect(server(List.of(wrong), List.of()));

        for (String as : List.of("ok", "error")) {
            RpcResponse r = hello(c, "ann", Map.of("as", as));

            assertEquals(Status.APPLICATION_ERROR, r.status(), "the filter's IllegalArgumentException is the caller's exception");
            assertEquals(IllegalArgumentException.class.getName(), r.errors().get(0).className());
            assertTrue(r.message().contains("a rejection is a refusal status"), r.message());
        }
        assertEquals(0, impl.calls.get());
    }
}
