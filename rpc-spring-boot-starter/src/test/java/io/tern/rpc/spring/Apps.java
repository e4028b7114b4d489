package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import org.apache.curator.test.TestingServer;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts real Spring Boot applications (no web server) in the test JVM, configured only through properties. The
 * applications are {@link GreetingApps}, or the starter with a test's own beans ({@link #starterWith}).
 */
final class Apps {
    private Apps() {
    }

    static ConfigurableApplicationContext run(Class<?> source, String... properties) {
        return run(new Class<?>[] {source}, properties);
    }

    /** An application of these sources: configuration classes, or plain classes each registered as a bean. */
    static ConfigurableApplicationContext run(Class<?>[] sources, String... properties) {
        return new SpringApplicationBuilder(sources)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(properties)
                .run();
    }

    /** The sources of an application of the starter plus these beans (e.g. a caller with its own @RpcReference fields). */
    static Class<?>[] starterWith(Class<?>... beans) {
        List<Class<?>> sources = new ArrayList<>(List.of(GreetingApps.Starter.class));
        sources.addAll(List.of(beans));
        return sources.toArray(Class<?>[]::new);
    }

    /** Properties of a provider on a free loopback port registering in this ZooKeeper. */
    static String[] provider(TestingServer zk, String name, String... extra) {
        return with(List.of(
                "rpc.registry.address=zookeeper://" + zk.getConnectString(),
                "rpc.server.host=127.0.0.1",
                "rpc.server.advertised-host=127.0.0.1",
                "rpc.server.port=0",
                "test.name=" + name), extra);
    }

    /** Properties of a consumer looking up providers in this ZooKeeper. */
    static String[] consumer(TestingServer zk, String... extra) {
        return with(List.of("rpc.registry.address=zookeeper://" + zk.getConnectString()), extra);
    }

    /** Properties of a provider on a free loopback port, without ZooKeeper (consumers name it with direct://). */
    static String[] directProvider(String name, String... extra) {
        return with(List.of("rpc.registry.address=direct://127.0.0.1:7070", "rpc.server.host=127.0.0.1", "rpc.server.port=0",
                "test.name=" + name), extra);
    }

    /** Properties of a consumer calling the provider on this loopback port, without ZooKeeper. */
    static String[] directConsumer(int port, String... extra) {
        return with(List.of("rpc.registry.address=direct://127.0.0.1:" + port), extra);
    }

    private static String[] with(List<String> base, String... extra) {
        List<String> p = new ArrayList<>(base);
        p.addAll(List.of(extra));
        return p.toArray(String[]::new);
    }

    /** Runs an application that must fail to start; returns the messages of the whole cause chain. */
    static String startupFailure(Class<?> source, String... properties) {
        return startupFailure(new Class<?>[] {source}, properties);
    }

    static String startupFailure(Class<?>[] sources, String... properties) {
        Throwable failure = assertThrows(Throwable.class, () -> run(sources, properties).close(), "the application should not start");
        StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    static void assertMentions(String text, String... fragments) {
        for (String f : fragments) {
            assertTrue(text.contains(f), () -> "expected '" + f + "' in:\n" + text);
        }
    }
}
