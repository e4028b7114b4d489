package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import io.tern.rpc.spring.testapp.GreetingService;
import io.tern.rpc.spring.testapp.GreetingServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;

import static io.tern.rpc.spring.Apps.assertMentions;
import static io.tern.rpc.spring.Apps.startupFailure;

/** Each kind of misconfiguration fails start-up with a message naming the setting and what it accepts. */
class MisconfigurationTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rpc.serialization=xml                  | rpc.serialization          | protostuff or kryo",
            "rpc.compression=zip                    | rpc.compression            | none or gzip",
            "rpc.compression-threshold=-1B          | rpc.compression-threshold  | -1B",
            "rpc.max-frame-length=8B                | rpc.max-frame-length       | 16B",
            "rpc.consumer.load-balance=foo          | rpc.consumer.load-balance  | random, round-robin, least-active, consistent-hash or p2c",
            "rpc.consumer.cluster=failsafe          | rpc.consumer.cluster       | failover or failfast",
            "rpc.consumer.retries=-1                | rpc.consumer.retries       | >= 0",
            "rpc.consumer.timeout=0s                | rpc.consumer.timeout       | > 0",
            "rpc.consumer.timeout=soon              | rpc.consumer.timeout       | soon",
            "rpc.consumer.backup-request=p10        | rpc.consumer.backup-request| p95",
            "rpc.consumer.hash-arguments=-1         | rpc.consumer.hash-arguments| >= 0",
            "rpc.consumer.retry-budget-ratio=2      | rpc.consumer.retry-budget-ratio | 0..1",
            "rpc.consumer.reconnect-backoff-min=9s  | rpc.consumer.reconnect-backoff-min | min <= max",
            "rpc.consumer.warmup=-1s                | rpc.consumer.warmup        | >= 0",
            "rpc.consumer.attempt-timeout=-1s       | rpc.consumer.attempt-timeout | >= 0",
            "rpc.consumer.callback-executor=virtual | rpc.consumer.callback-executor | io or default",
            "rpc.consumer.outlier.consecutive-failures=0 | rpc.consumer.outlier.consecutive-failures | >= 1",
            "rpc.consumer.outlier.max-ejected-percent=101 | rpc.consumer.outlier.max-ejected-percent | 0..100",
            "rpc.consumer.outlier.base-ejection-time=0s | rpc.consumer.outlier.base-ejection-time | > 0",
            "rpc.consumer.outlier.max-ejection-time=1s | rpc.consumer.outlier.max-ejection-time | >= rpc.consumer.outlier.base-ejection-time",
            "rpc.consumer.failure-detector.phi-suspect=0 | rpc.consumer.failure-detector.phi-suspect | > 0",
            "rpc.consumer.failure-detector.phi-eject=2 | rpc.consumer.failure-detector.phi-eject | >= rpc.consumer.failure-detector.phi-suspect",
            "rpc.consumer.failure-detector.min-std-dev=0ms | rpc.consumer.failure-detector.min-std-dev | > 0",
            "rpc.heartbeat.interval=0s              | rpc.heartbeat.interval     | > 0",
            "rpc.registry.address=http://x          | rpc.registry.address       | zookeeper://host:port",
            "rpc.registry.root-path=tern            | rpc.registry.root-path     | start with '/'",
            "rpc.registry.retry-max-retries=99      | rpc.registry.retry-max-retries | 0..29",
            "rpc.registry.username=tern             | rpc.registry.password      | rpc.registry.username",
            "rpc.registry.password=secret           | rpc.registry.username      | rpc.registry.password",
            "rpc.server.port=99999                  | rpc.server.port            | 0..65535",
            "rpc.server.port=http                   | rpc.server.port            | http",
            "rpc.server.executor-threads=0          | rpc.server.executor-threads| >= 1",
            "rpc.server.executor-parallelism=0      | rpc.server.executor-parallelism | >= 1",
            "rpc.server.weight=-5                   | rpc.server.weight          | >= 0",
            "rpc.server.advertised-host=0.0.0.0     | rpc.server.advertised-host | wildcard",
            "rpc.server.serializations=json         | rpc.server.serializations  | protostuff or kryo",
            "rpc.server.max-connections-per-peer=0  | rpc.server.max-connections-per-peer | >= 1",
            "rpc.server.max-buffered-bytes=1KB      | rpc.server.max-buffered-bytes | rpc.max-frame-length",
            "rpc.server.min-frame-rate=0B           | rpc.server.min-frame-rate  | >= 1",
    })
    void badPropertyFailsStartUpNamingIt(String property, String name, String accepted) {
        // a consumer application: validation happens before anything connects
        String failure = startupFailure(GreetingApps.Consumer.class, property.trim(), "rpc.registry.connect-timeout=500ms");
        assertMentions(failure, name.trim(), accepted.trim());
    }

    static class BadLoadBalanceCaller {
        @RpcReference(loadBalance = "fastest")
        GreetingService greetings;
    }

    @Test
    void badReferenceAttributeNamesTheFieldAndTheAttribute() {
        assertMentions(startupFailure(Apps.starterWith(BadLoadBalanceCaller.class)), "@RpcReference on " + BadLoadBalanceCaller.class.getName() + ".greetings",
                "loadBalance = \"fastest\"", "p2c");
    }

    /** A key type with no stable form: no toString() of its own, so only its identity could be hashed. */
    public static class Order {
        public String id;
    }

    public interface OrderLookup {
        String find(Order order);
    }

    static class OrderCaller {
        @RpcReference(loadBalance = "consistent-hash")
        OrderLookup orders;
    }

    @Test
    void aConsistentHashKeyWithoutAStableFormFailsStartUpNamingTheFieldMethodAndParameter() {
        assertMentions(startupFailure(Apps.starterWith(OrderCaller.class), "rpc.registry.connect-timeout=500ms"),
                "@RpcReference on " + OrderCaller.class.getName() + ".orders", "OrderLookup.find(Order) by parameter 0",
                Order.class.getName() + " does not override toString()", "@io.tern.rpc.HashKey");
    }

    static class BadTimeoutCaller {
        @RpcReference(timeout = "later")
        GreetingService greetings;
    }

    @Test
    void badReferenceTimeoutNamesTheAttribute() {
        assertMentions(startupFailure(Apps.starterWith(BadTimeoutCaller.class)), BadTimeoutCaller.class.getName() + ".greetings", "timeout = \"later\"");
    }

    static class ClassTypedCaller {
        @RpcReference
        GreetingServiceImpl greetings;
    }

    @Test
    void referenceToAClassIsRefused() {
        assertMentions(startupFailure(Apps.starterWith(ClassTypedCaller.class)), ClassTypedCaller.class.getName() + ".greetings", "is not an interface");
    }

    interface Pingable {
        void ping();
    }

    /** Two service interfaces: which one to export is ambiguous. */
    @RpcService
    static class TwoInterfaces implements GreetingService, Pingable {
        @Override
        public String greet(String name) {
            return name;
        }

        @Override
        public CompletableFuture<String> greetAsync(String name) {
            return CompletableFuture.completedFuture(name);
        }

        @Override
        public String fail(String message) {
            return message;
        }

        @Override
        public String slow(long millis) {
            return "";
        }

        @Override
        public String whoAreYou() {
            return "";
        }

        @Override
        public void ping() {
        }
    }

    @Test
    void serviceWithTwoInterfacesMustNameOne() {
        assertMentions(startupFailure(Apps.starterWith(TwoInterfaces.class), "rpc.server.port=0", "rpc.registry.connect-timeout=500ms"), TwoInterfaces.class.getName(),
                "2 interfaces", "interfaceClass");
    }

    @RpcService(mode = "turbo")
    static class BadMode extends GreetingServiceImpl {
        BadMode() {
            super("bad");
        }
    }

    @Test
    void unknownExecutionModeIsRefused() {
        assertMentions(startupFailure(Apps.starterWith(BadMode.class), "rpc.server.port=0", "rpc.registry.connect-timeout=500ms"), "mode = \"turbo\"", "executor", "direct");
    }

    @Test
    void unreachableRegistryFailsTheConsumerNamingTheTimeout() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertMentions(startupFailure(GreetingApps.Consumer.class, "rpc.registry.address=zookeeper://127.0.0.1:" + closedPort,
                "rpc.registry.connect-timeout=500ms"), "did not answer within 500 ms (rpc.registry.connect-timeout)");
    }

    @Test
    void unreachableRegistryFailsTheProviderNamingTheTimeout() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertMentions(startupFailure(GreetingApps.Provider.class, "rpc.registry.address=zookeeper://127.0.0.1:" + closedPort,
                "rpc.registry.connect-timeout=500ms", "rpc.server.port=0", "rpc.server.host=127.0.0.1"),
                "did not answer within 500 ms (rpc.registry.connect-timeout)");
    }

    @Test
    void failureAnalyzerExplainsTheSettingToFix() {
        FailureAnalysis analysis = new RpcConfigurationFailureAnalyzer().analyze(new BeanCreationException("rpcProperties",
                "init failed", new RpcConfigurationException("rpc.serialization", "unknown serialization 'xml': use protostuff or kryo")));
        assertMentions(analysis.getDescription(), "unknown serialization 'xml'", "protostuff or kryo");
        assertMentions(analysis.getAction(), "rpc.serialization", "application.properties");
    }

    @Test
    void anUnsupportedNettyIsReportedByTheFailureAnalyzerWithTheLinesToUse() {
        // the message is the transport's own (NettyLinesTest judges the versions); the analyzer turns it into Boot's report
        FailureAnalysis analysis = new UnsupportedNettyFailureAnalyzer().analyze(new BeanCreationException("rpcReferences", "init failed",
                new io.tern.rpc.transport.UnsupportedNettyException("Tern RPC does not run on Netty 4.0.56.Final", "netty-common 4.0.56.Final")));
        assertMentions(analysis.getDescription(), "does not run on Netty 4.0.56.Final");
        assertMentions(analysis.getAction(), "Boot 4.0: Netty 4.2", "Boot 3.5: Netty 4.1", "netty.version", "Found: netty-common 4.0.56.Final");
    }
}
