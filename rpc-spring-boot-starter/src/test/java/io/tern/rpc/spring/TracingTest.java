package io.tern.rpc.spring;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.tern.rpc.Idempotent;
import io.tern.rpc.protocol.Status;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import io.tern.rpc.transport.ServerFilter;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Micrometer Tracing over Brave (Boot's own auto-configuration, sampling everything), a consumer and two providers in
 * one JVM, each application recording its finished spans: one trace spans consumer and provider, the provider's span
 * is the consumer span's child, the provider method's log context has the trace id; a retried call and a call with a
 * backup request show two provider spans, both children of the one consumer span.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracingTest {
    private static final String SERVICE = TraceProbe.class.getName();
    /** The next call any provider sees is refused SERVER_BUSY (never ran: failover retries it on the other provider). */
    static final AtomicBoolean busyOnce = new AtomicBoolean();
    /** The next slowOnce call any provider serves is slow (so a backup request goes to the other provider). */
    static final AtomicBoolean slowOnce = new AtomicBoolean();

    public interface TraceProbe {
        /** The trace id in the provider method's MDC. */
        @Idempotent
        String traceId();

        /** The same, after a second when {@link #slowOnce} was armed. */
        @Idempotent
        String slowOnce();

        @Idempotent
        String whoAreYou();
    }

    @RpcService
    public static class TraceProbeService implements TraceProbe {
        private final String name;

        public TraceProbeService(@Value("${test.name}") String name) {
            this.name = name;
        }

        @Override
        public String traceId() {
            return MDC.get("traceId");
        }

        @Override
        public String slowOnce() {
            if (slowOnce.compareAndSet(true, false)) {
                try {
                    Thread.sleep(1000); // simulated slow work: the backup request answers first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return MDC.get("traceId");
        }

        @Override
        public String whoAreYou() {
            return name;
        }
    }

    /** Finished spans of one application. */
    public static class RecordedSpans extends SpanHandler {
        final Queue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

        @Override
        public boolean end(TraceContext context, MutableSpan span, Cause cause) {
            if (cause == Cause.FINISHED) {
                spans.add(new MutableSpan(span));
            }
            return true;
        }

        List<MutableSpan> ofTrace(String traceId, String name) {
            return spans.stream().filter(s -> s.traceId().equals(traceId) && s.name() != null && s.name().endsWith(name)).toList();
        }
    }

    public static class Caller {
        @RpcReference
        TraceProbe plain;

        @RpcReference(backupRequest = "50ms", retries = 0)
        TraceProbe hedged;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({TraceProbeService.class, RecordedSpans.class})
    static class ProviderApp {
        /** After the starter's observation filter: its refusals are served (and traced) calls. */
        @Bean
        ServerFilter busyOnceFilter() {
            return (call, next) -> busyOnce.compareAndSet(true, false) ? call.reject(Status.SERVER_BUSY, "busy for the test") : next.invoke(call);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({Caller.class, RecordedSpans.class})
    static class ConsumerApp {
    }

    private static final String SAMPLE_ALL = "management.tracing.sampling.probability=1.0";
    private static TestingServer zk;
    private static ConfigurableApplicationContext p1;
    private static ConfigurableApplicationContext p2;
    private static ConfigurableApplicationContext consumer;
    private static Caller caller;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeepers.server();
        p1 = Apps.run(ProviderApp.class, Apps.provider(zk, "p1", SAMPLE_ALL, "spring.application.name=p1"));
        p2 = Apps.run(ProviderApp.class, Apps.provider(zk, "p2", SAMPLE_ALL, "spring.application.name=p2"));
        consumer = Apps.run(ConsumerApp.class, Apps.consumer(zk, SAMPLE_ALL, "spring.application.name=consumer"));
        caller = consumer.getBean(Caller.class);
        Set<String> seen = new HashSet<>();
        Poll.until(Duration.ofSeconds(20), "the consumer reaches both providers", () -> {
            seen.add(caller.plain.whoAreYou());
            return seen.size() == 2;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {consumer, p2, p1}) {
            if (c != null) {
                c.close();
            }
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static MutableSpan clientSpan(String traceId, String method) {
        RecordedSpans spans = consumer.getBean(RecordedSpans.class);
        Poll.until(Duration.ofSeconds(10), "the consumer's span of trace " + traceId, () -> spans.ofTrace(traceId, "/" + method).size() == 1);
        return spans.ofTrace(traceId, "/" + method).get(0);
    }

    private static List<MutableSpan> serverSpans(String traceId, String method, int expected) {
        Poll.until(Duration.ofSeconds(10), expected + " provider spans of trace " + traceId, () -> serverSpansNow(traceId, method).size() >= expected);
        return serverSpansNow(traceId, method);
    }

    private static List<MutableSpan> serverSpansNow(String traceId, String method) {
        return Stream.of(p1, p2).flatMap(p -> p.getBean(RecordedSpans.class).ofTrace(traceId, "/" + method).stream()).toList();
    }

    /** The Tern address of the provider application that recorded {@code span} (its spring.application.name). */
    private static String address(MutableSpan span) {
        ConfigurableApplicationContext app = "p1".equals(span.localServiceName()) ? p1 : p2;
        return "127.0.0.1:" + app.getBean(RpcProviderLifecycle.class).port();
    }

    @Test
    void oneTraceSpansConsumerAndProviderAndTheProviderMethodLogsWithIt() {
        String traceId = caller.plain.traceId();
        assertTrue(traceId != null && traceId.length() == 32, "the provider method's MDC has a W3C trace id: " + traceId);

        MutableSpan client = clientSpan(traceId, "traceId");
        assertEquals(brave.Span.Kind.CLIENT, client.kind());
        assertEquals((SERVICE + "/traceId").toLowerCase(), client.name().toLowerCase());
        assertEquals(SERVICE, client.tag("rpc.service"));
        assertEquals("traceId", client.tag("rpc.method"));
        assertEquals("OK", client.tag("rpc.status"));
        assertTrue(client.tag("rpc.provider").startsWith("127.0.0.1:"), "the provider's address: " + client.tags());

        List<MutableSpan> server = serverSpans(traceId, "traceId", 1);
        assertEquals(1, server.size());
        assertEquals(brave.Span.Kind.SERVER, server.get(0).kind());
        assertEquals(client.id(), server.get(0).parentId(), "the provider's span is the consumer span's child");
        assertEquals(SERVICE, server.get(0).tag("rpc.service"));
        assertEquals("traceId", server.get(0).tag("rpc.method"));
        assertEquals("OK", server.get(0).tag("rpc.status"));
    }

    @Test
    void aRetriedCallIsOneConsumerSpanWithAProviderSpanPerAttempt() {
        busyOnce.set(true);
        String traceId = caller.plain.traceId();
        assertFalse(busyOnce.get(), "the first attempt was refused");

        MutableSpan client = clientSpan(traceId, "traceId");
        assertEquals("OK", client.tag("rpc.status"));
        List<MutableSpan> server = serverSpans(traceId, "traceId", 2);
        assertEquals(2, server.size(), "one span per attempt: " + server);
        assertEquals(Set.of("SERVER_BUSY", "OK"), Set.of(server.get(0).tag("rpc.status"), server.get(1).tag("rpc.status")));
        for (MutableSpan s : server) {
            assertEquals(client.id(), s.parentId(), "each attempt is a child of the one consumer span: " + s);
        }
        assertEquals(2, server.stream().map(MutableSpan::localServiceName).distinct().count(), "the retry went to the other provider");
        MutableSpan answered = server.stream().filter(s -> "OK".equals(s.tag("rpc.status"))).findFirst().orElseThrow();
        assertEquals(address(answered), client.tag("rpc.provider"), "the consumer span names the provider that answered");
    }

    @Test
    void aCallWithABackupRequestIsOneConsumerSpanWithTwoProviderSpans() {
        slowOnce.set(true);
        String traceId = caller.hedged.slowOnce();
        assertFalse(slowOnce.get(), "one attempt was the slow one");

        MutableSpan client = clientSpan(traceId, "slowOnce");
        assertEquals("OK", client.tag("rpc.status"));
        // the slow attempt's span ends when its method returns (about a second later), after the backup answered
        List<MutableSpan> server = serverSpans(traceId, "slowOnce", 2);
        assertEquals(2, server.size(), "the first attempt and the backup: " + server);
        for (MutableSpan s : server) {
            assertEquals(client.id(), s.parentId(), "both attempts are children of the one consumer span: " + s);
            assertEquals(traceId, s.traceId());
        }
        assertEquals(2, server.stream().map(MutableSpan::localServiceName).distinct().count(), "the backup went to the other provider");
        MutableSpan backup = server.stream().filter(s -> s.finishTimestamp() - s.startTimestamp() < 1_000_000).findFirst().orElseThrow();
        assertEquals(address(backup), client.tag("rpc.provider"), "the consumer span names the backup, which answered first, not the slow attempt");
    }
}
