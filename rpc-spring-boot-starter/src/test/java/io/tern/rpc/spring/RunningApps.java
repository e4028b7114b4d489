package io.tern.rpc.spring;

import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** The applications one test started, closed in reverse order (consumers before the providers they call). */
final class RunningApps implements AutoCloseable {
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    ConfigurableApplicationContext run(Class<?> source, String... properties) {
        ConfigurableApplicationContext c = Apps.run(source, properties);
        contexts.add(c);
        return c;
    }

    @Override
    public void close() {
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
        contexts.clear();
    }
}
