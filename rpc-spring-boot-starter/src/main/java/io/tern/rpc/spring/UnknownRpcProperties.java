package io.tern.rpc.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Names under {@code rpc.} that no Tern RPC property binds: Spring Boot ignores them silently, so a misspelled one
 * ({@code rpc.consumer.timout=1s}) would leave its default in force. Found in every property source, in any relaxed
 * form, and refused at start-up (one message for all, each with its origin and a "did you mean"), or only logged
 * with {@code rpc.fail-on-unknown-properties=false}. Environment variables and JVM system properties are shared with
 * other software (an {@code RPC_URL} of another tool is not a Tern property): like Boot's own unknown-field check,
 * they never fail start-up; one of them is logged only when it looks like a misspelled Tern property.
 */
final class UnknownRpcProperties {
    private static final Logger log = LoggerFactory.getLogger(UnknownRpcProperties.class);
    private static final ConfigurationPropertyName RPC = ConfigurationPropertyName.of("rpc");
    static final RpcPropertyNames KNOWN = RpcPropertyNames.of(RpcProperties.class, "rpc");
    private static final PropertySuggestions SUGGESTIONS = new PropertySuggestions(KNOWN.names());

    private UnknownRpcProperties() {
    }

    /** One name no property binds: as written, where, and the properties it may have meant. */
    record Unknown(String name, String origin, boolean shared, boolean environmentVariable, List<String> suggestions) {
        String describe() {
            return name + (origin == null ? "" : " (from " + origin + ")");
        }

        /** For an environment variable, each suggestion also in the form Boot reads there: RPC_CONSUMER_LOADBALANCE. */
        String suggestion() {
            List<String> named = environmentVariable
                    ? suggestions.stream().map(s -> s + " (" + s.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT) + ")").toList()
                    : suggestions;
            return suggestions.isEmpty() ? "" : "did you mean " + PropertySuggestions.either(named) + "?";
        }
    }

    /** Throws if {@code fail} and a name in an application's own property sources is unknown; else logs them. */
    static void check(Environment environment, boolean fail) {
        List<Unknown> reported = find(environment).stream().filter(u -> !u.shared() || !u.suggestions().isEmpty()).toList();
        if (reported.isEmpty()) {
            return;
        }
        if (fail && reported.stream().anyMatch(u -> !u.shared())) {
            throw new UnknownRpcPropertiesException(reported.get(0).name(), message(reported), reported.size());
        }
        String why = fail ? "environment variables and JVM system properties are shared with other software, so they only warn"
                : "rpc.fail-on-unknown-properties=false";
        log.warn("{}{}Ignored: {}.", message(reported), reported.size() == 1 ? " " : "\n", why);
    }

    static String message(List<Unknown> unknown) {
        if (unknown.size() == 1) {
            Unknown u = unknown.get(0);
            String suggestion = u.suggestion();
            return "Property " + u.describe() + " is not a Tern RPC property."
                    + (suggestion.isEmpty() ? "" : " D" + suggestion.substring(1));
        }
        StringBuilder sb = new StringBuilder("These properties are not Tern RPC properties:");
        for (Unknown u : unknown) {
            sb.append("\n    ").append(u.describe()).append(u.suggestions().isEmpty() ? "" : ": " + u.suggestion());
        }
        return sb.toString();
    }

    /** The unknown names under {@code rpc.}, each once (where the highest-precedence source sets it), in alphabetical order. */
    static List<Unknown> find(Environment environment) {
        Map<ConfigurationPropertyName, Unknown> found = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                try (Stream<ConfigurationPropertyName> names = iterable.stream()) {
                    names.filter(RPC::isAncestorOf).filter(n -> !KNOWN.isKnown(n) && !found.containsKey(n))
                            .forEach(n -> found.put(n, unknown(source, n)));
                }
            }
        }
        List<Unknown> sorted = new ArrayList<>(found.values());
        sorted.sort(Comparator.comparing(u -> u.name().toLowerCase(Locale.ROOT)));
        return sorted;
    }

    private static Unknown unknown(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        String origin = property == null || property.getOrigin() == null ? null : property.getOrigin().toString();
        Object underlying = source.getUnderlyingSource();
        boolean environmentVariable = underlying instanceof SystemEnvironmentPropertySource;
        boolean shared = environmentVariable || underlying instanceof org.springframework.core.env.PropertySource<?> ps
                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(ps.getName());
        return new Unknown(asWritten(underlying, name), origin, shared, environmentVariable, SUGGESTIONS.closest(name.toString()));
    }

    /** The name as the source spells it ({@code rpc.consumer.retryBudgetRatoi}); an environment variable's origin names it. */
    private static String asWritten(Object underlying, ConfigurationPropertyName name) {
        if (underlying instanceof EnumerablePropertySource<?> ps && !(underlying instanceof SystemEnvironmentPropertySource)) {
            for (String written : ps.getPropertyNames()) {
                if (name.equals(ConfigurationPropertyName.adapt(written, '.'))) {
                    return written;
                }
            }
        }
        return name.toString();
    }
}
