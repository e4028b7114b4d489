package io.tern.rpc.spring;

import org.apache.curator.test.TestingServer;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts real Spring Boot applications (no web server) in the test JVM, configured only through properties. */
final class Apps {
    private Apps() {
    }

    static ConfigurableApplicationContext run(Class<?> source, String... properties) {
        return new SpringApplicationBuilder(source)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(properties)
                .run();
    }

    /** Properties of a provider on a free loopback port registering in this ZooKeeper. */
    static String[] provider(TestingServer zk, String name, String... extra) {
        List<String> p = new ArrayList<>(List.of(
                "rpc.registry.address=zookeeper://" + zk.getConnectString(),
                "rpc.server.host=127.0.0.1",
                "rpc.server.advertised-host=127.0.0.1",
                "rpc.server.port=0",
                "test.name=" + name));
        p.addAll(List.of(extra));
        return p.toArray(String[]::new);
    }

    /** Properties of a consumer looking up providers in this ZooKeeper. */
    static String[] consumer(TestingServer zk, String... extra) {
        List<String> p = new ArrayList<>(List.of("rpc.registry.address=zookeeper://" + zk.getConnectString()));
        p.addAll(List.of(extra));
        return p.toArray(String[]::new);
    }

    /** Runs an application that must fail to start; returns the messages of the whole cause chain. */
    static String startupFailure(Class<?> source, String... properties) {
        Throwable failure = assertThrows(Throwable.class, () -> run(source, properties).close(), "the application should not start");
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
