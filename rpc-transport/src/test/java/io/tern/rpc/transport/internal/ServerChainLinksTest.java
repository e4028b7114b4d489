package io.tern.rpc.transport.internal;

import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Greeter;
import io.tern.rpc.testsupport.GreeterImpl;
import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerInvocation;
import io.tern.rpc.transport.ServerInvoker;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The built-in links of every provider chain and how the chain is assembled, with a fake call (no Netty). */
class ServerChainLinksTest {
    /** A call whose cancellation and remaining time the test sets. */
    static final class FakeCall implements ServerInvocation {
        boolean cancelled;
        boolean hasDeadline;
        long remainingNanos = Long.MAX_VALUE;
        final Object[] args = {"ann"};

        @Override
        public String serviceKey() {
            return Greeter.class.getName();
        }

        @Override
        public Method method() {
            return Wire.greeterMethod("hello", String.class);
        }

        @Override
        public Object[] arguments() {
            return args;
        }

        @Override
        public boolean async() {
            return false;
        }

        @Override
        public Map<String, String> attachments() {
            return Map.of();
        }

        @Override
        public String peer() {
            return "127.0.0.1:1";
        }

        @Override
        public boolean hasDeadline() {
            return hasDeadline;
        }

        @Override
        public long remainingNanos() {
            return remainingNanos;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public Object reject(Status status, String message) {
            return Rejection.of(status, message);
        }
    }

    private final List<String> ran = new ArrayList<>();
    private final ServerInvoker method = call -> {
        ran.add("method");
        return "result";
    };

    @Test
    void aCancelledCallIsNotRunNotAnsweredAndCounted() throws Throwable {
        LongAdder counted = new LongAdder();
        FakeCall call = new FakeCall();
        call.cancelled = true;

        assertSame(Rejection.NOT_ANSWERED, new CancelCheck(counted, method).invoke(call));
        assertEquals(List.of(), ran);
        assertEquals(1, counted.sum());

        call.cancelled = false;
        assertEquals("result", new CancelCheck(counted, method).invoke(call));
        assertEquals(1, counted.sum());
    }

    @Test
    void aCallPastItsDeadlineIsAnsweredDeadlineExceededAndNotRun() throws Throwable {
        FakeCall call = new FakeCall();
        call.hasDeadline = true;
        call.remainingNanos = -1;

        Rejection r = (Rejection) new DeadlineCheck(method).invoke(call);

        assertEquals(Status.DEADLINE_EXCEEDED, r.status);
        assertEquals("deadline passed while the request waited in the provider's queue; not run", r.message);
        assertEquals(List.of(), ran);
    }

    @Test
    void aCallWithTimeLeftOrNoDeadlineRuns() throws Throwable {
        FakeCall call = new FakeCall();
        assertEquals("result", new DeadlineCheck(method).invoke(call));
        call.hasDeadline = true;
        call.remainingNanos = 1_000_000;
        assertEquals("result", new DeadlineCheck(method).invoke(call));
        assertEquals(List.of("method", "method"), ran);
    }

    @Test
    void rejectRefusesOkAndApplicationError() {
        assertThrows(IllegalArgumentException.class, () -> Rejection.of(Status.OK, "fine"));
        assertThrows(IllegalArgumentException.class, () -> Rejection.of(Status.APPLICATION_ERROR, "fine"));
        assertEquals(Status.SERVER_BUSY, Rejection.of(Status.SERVER_BUSY, "busy").status);
    }

    @Test
    void theChainIsBuiltOnceAtExportAndChecksComeBeforeUserFilters() throws Throwable {
        ServerCounters counters = new ServerCounters();
        ExportTable table = new ExportTable(counters);
        table.addFilter((call, next) -> {
            ran.add("global");
            return next.invoke(call);
        });
        table.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR)
                .withFilters(List.of((call, next) -> {
                    ran.add("service");
                    return next.invoke(call);
                })));
        String[] descriptors = Wire.codecs("hello", String.class).descriptors();
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);
        Route route = table.route(Greeter.class.getName(), "hello", descriptors, local);

        assertSame(route, table.route(Greeter.class.getName(), "hello", descriptors, local), "built once, not per call");
        FakeCall call = new FakeCall();
        assertEquals("hello ann", route.chain().invoke(call));
        assertEquals(List.of("global", "service"), ran);

        call.cancelled = true;
        assertSame(Rejection.NOT_ANSWERED, route.chain().invoke(call));
        call.cancelled = false;
        call.hasDeadline = true;
        call.remainingNanos = -1;
        assertEquals(Status.DEADLINE_EXCEEDED, ((Rejection) route.chain().invoke(call)).status);
        assertEquals(List.of("global", "service"), ran, "no user filter runs for a cancelled or expired call");
        assertEquals(1, counters.cancelledBeforeRun.sum());
    }

    @Test
    void unknownServicesAndMethodsAreRefused() {
        ExportTable table = new ExportTable(new ServerCounters());
        table.export(ExportedService.of(Greeter.class, new GreeterImpl(), "", "", ExportedService.ExecutionMode.EXECUTOR));
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);

        RequestRefused noService = assertThrows(RequestRefused.class, () -> table.route("x.Missing", "hello", new String[0], local));
        RequestRefused noMethod = assertThrows(RequestRefused.class, () -> table.route(Greeter.class.getName(), "nope", new String[0], local));

        assertEquals(Status.SERVICE_NOT_FOUND, noService.status());
        assertEquals(Status.METHOD_NOT_FOUND, noMethod.status());
    }
}
