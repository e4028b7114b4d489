package io.tern.rpc.spring;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Quieter defaults for the registry client's own logging, as {@code logging.level.*} properties of the lowest
 * precedence. At INFO, the ZooKeeper client logs some 30 lines per session (the JVM's whole class path among them), and
 * at WARN a stack trace on every failed reconnect attempt (5 while start-up waits 5 s for a ZooKeeper that is down).
 * Tern's registry logs what a user needs instead: one line when connected, one WARN per connection loss, and a
 * {@code RegistryUnavailableException} when start-up cannot connect.
 * <p>
 * A user's {@code logging.level} for one of these loggers or a package above it (not root) wins: then none of these
 * defaults below it applies either, so {@code logging.level.org.apache.zookeeper=DEBUG} shows ClientCnxn too.
 * <p>
 * A listener, not an {@code EnvironmentPostProcessor} (whose interface moved package in Boot 4): it runs after the
 * configuration files are read (Boot's post-processors, order +10) and before Boot applies the levels (its logging
 * listener, order +20), on Boot 3.5 and 4 alike. Registered in {@code META-INF/spring.factories}.
 */
class RegistryLoggingDefaults implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
    static final String SOURCE_NAME = "ternRpcLoggingDefaults";

    /** Logger to level; a more specific logger after its package. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("org.apache.zookeeper", "WARN");
        m.put("org.apache.zookeeper.ClientCnxn", "ERROR"); // a WARN with a stack trace per reconnect attempt
        m.put("org.apache.curator", "WARN");
        return m;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 15;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        if (environment.getPropertySources().contains(SOURCE_NAME)) {
            return;
        }
        Set<String> userSet = Binder.get(environment).bind("logging.level", Bindable.mapOf(String.class, String.class))
                .map(Map::keySet).orElse(Set.of());
        Map<String, Object> levels = new LinkedHashMap<>();
        DEFAULTS.forEach((logger, level) -> {
            if (userSet.stream().noneMatch(set -> covers(set, logger))) {
                levels.put("logging.level." + logger, level);
            }
        });
        if (!levels.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, levels));
        }
    }

    /** Whether a level the user set for {@code set} (a logger or package, any case) applies to {@code logger}. */
    static boolean covers(String set, String logger) {
        String s = set.toLowerCase(Locale.ROOT);
        String l = logger.toLowerCase(Locale.ROOT);
        return l.equals(s) || l.startsWith(s + ".");
    }
}
