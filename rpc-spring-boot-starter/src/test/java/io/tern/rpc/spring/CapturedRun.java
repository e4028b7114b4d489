package io.tern.rpc.spring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of a real Spring Boot application (as {@link Apps#run}) with every log event it causes recorded: the
 * appender joins logback after Boot has configured logging (which resets it) and before the context refreshes, so it
 * sees what a user's console would show, including Boot's "APPLICATION FAILED TO START" report.
 */
final class CapturedRun implements AutoCloseable {
    final ConfigurableApplicationContext context;
    final Throwable failure;
    private final ListAppender<ILoggingEvent> appender;

    private CapturedRun(ConfigurableApplicationContext context, Throwable failure, ListAppender<ILoggingEvent> appender) {
        this.context = context;
        this.failure = failure;
        this.appender = appender;
    }

    /** The events so far (the appender adds under its own lock). */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    static CapturedRun run(Class<?> source, ConfigurableEnvironment environment, String... properties) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        SpringApplicationBuilder builder = new SpringApplicationBuilder(source)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(properties)
                .initializers(c -> {
                    appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
                    appender.start();
                    root.addAppender(appender);
                });
        if (environment != null) {
            builder.environment(environment);
        }
        try {
            return new CapturedRun(builder.run(), null, appender);
        } catch (Throwable t) {
            root.detachAppender(appender);
            return new CapturedRun(null, t, appender);
        }
    }

    static CapturedRun run(Class<?> source, String... properties) {
        return run(source, null, properties);
    }

    /** The description and action of Boot's "APPLICATION FAILED TO START" report, as logged. */
    String[] failureReport() {
        assertNotNull(failure, "the application should not start");
        String report = events().stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("APPLICATION FAILED TO START"))
                .findFirst().orElseThrow(() -> new AssertionError("no failure analysis was logged; the failure was " + failure));
        String normalized = report.replace("\r\n", "\n");
        int d = normalized.indexOf("Description:\n\n") + "Description:\n\n".length();
        int a = normalized.indexOf("\n\nAction:\n\n");
        assertTrue(d > 0 && a > d, report);
        return new String[] {normalized.substring(d, a), normalized.substring(a + "\n\nAction:\n\n".length()).strip()};
    }

    /** Messages logged at WARN or above by {@code logger}. */
    List<String> warnings(Class<?> logger) {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().equals(logger.getName()))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        if (context != null) {
            context.close();
        }
    }
}
