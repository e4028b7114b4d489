package io.tern.rpc.spring;

import io.tern.rpc.spring.testapp.GreetingApps;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A name under rpc. that no property binds fails start-up (Boot would ignore it silently), listing every such name
 * with where it is set and what it may have meant; rpc.fail-on-unknown-properties=false logs it instead. Real Boot
 * applications of the starter alone (nothing connects anywhere).
 */
class UnknownPropertiesTest {
    private static final String ACTION = " (the README's property table lists every Tern RPC property, and IDEs complete rpc.*"
            + " from the starter's configuration metadata). To start anyway and only log unknown properties as a warning, set"
            + " rpc.fail-on-unknown-properties=false.";

    @Test
    void aMisspelledPropertyInApplicationPropertiesFailsStartUpSayingWhereAndWhatItMeant() {
        try (CapturedRun run = CapturedRun.run(GreetingApps.Starter.class, "spring.config.location=classpath:unknown/typo.properties")) {
            String[] report = run.failureReport();
            assertEquals("Property rpc.consumer.timout (from class path resource [unknown/typo.properties] - 1:21) is not a Tern RPC"
                    + " property. Did you mean rpc.consumer.timeout?", report[0]);
            assertEquals("Correct the name or remove the property" + ACTION, report[1]);
        }
    }

    @Test
    void allUnknownPropertiesAreListedInOneMessage() {
        try (CapturedRun run = CapturedRun.run(GreetingApps.Starter.class, "rpc.consumer.timout=1s", "rpc.sever.port=7071",
                "rpc.consumer.retryBudgetRatoi=0.2", "rpc.frobnicate=yes", "rpc.consumer.retry-budget=5")) {
            String[] report = run.failureReport();
            assertEquals("These properties are not Tern RPC properties:"
                    + "\n    rpc.consumer.retry-budget (from \"rpc.consumer.retry-budget\" from property source \"defaultProperties\"): did you mean"
                    + " rpc.consumer.retry-budget-ratio or rpc.consumer.retry-budget-min-per-second?"
                    + "\n    rpc.consumer.retryBudgetRatoi (from \"rpc.consumer.retryBudgetRatoi\" from property source \"defaultProperties\"):"
                    + " did you mean rpc.consumer.retry-budget-ratio?"
                    + "\n    rpc.consumer.timout (from \"rpc.consumer.timout\" from property source \"defaultProperties\"): did you mean rpc.consumer.timeout?"
                    + "\n    rpc.frobnicate (from \"rpc.frobnicate\" from property source \"defaultProperties\")"
                    + "\n    rpc.sever.port (from \"rpc.sever.port\" from property source \"defaultProperties\"): did you mean rpc.server.port?", report[0]);
            assertEquals("Correct the names or remove the properties" + ACTION, report[1]);
        }
    }

    @Test
    void withFailOnUnknownPropertiesFalseTheApplicationStartsAndOneWarningNamesThem() {
        try (CapturedRun run = CapturedRun.run(GreetingApps.Starter.class, "rpc.fail-on-unknown-properties=false", "rpc.consumer.timout=1s")) {
            assertNull(run.failure);
            assertEquals(List.of("Property rpc.consumer.timout (from \"rpc.consumer.timout\" from property source \"defaultProperties\")"
                    + " is not a Tern RPC property. Did you mean rpc.consumer.timeout? Ignored: rpc.fail-on-unknown-properties=false."),
                    run.warnings(UnknownRpcProperties.class));
            assertEquals(Duration.ofSeconds(3), run.context.getBean(RpcProperties.class).getConsumer().getTimeout());
        }
    }

    @Test
    void everyRelaxedFormOfAKnownNameIsAccepted() {
        try (CapturedRun run = CapturedRun.run(GreetingApps.Starter.class, "rpc.consumer.retry-budget-ratio=0.2",
                "rpc.consumer.retryBudgetMinPerSecond=20", "rpc.consumer.max_pending_calls=100", "rpc.consumer.Timeout=2s",
                "rpc.consumer.hash-arguments[0]=1", "rpc.consumer.hash-arguments[1]=2", "rpc.consumer.outlier.consecutiveFailures=7",
                "rpc.failOnUnknownProperties=true")) {
            assertNull(run.failure, () -> String.valueOf(run.failure));
            assertEquals(List.of(), run.warnings(UnknownRpcProperties.class));
            RpcConsumerProperties consumer = run.context.getBean(RpcProperties.class).getConsumer();
            assertEquals(0.2, consumer.getRetryBudgetRatio());
            assertEquals(20, consumer.getRetryBudgetMinPerSecond());
            assertEquals(100, consumer.getMaxPendingCalls());
            assertEquals(Duration.ofSeconds(2), consumer.getTimeout());
            assertEquals(List.of(1, 2), consumer.getHashArguments());
            assertEquals(7, consumer.getOutlier().getConsecutiveFailures());
        }
    }

    /**
     * Environment variables are shared with other software: a known one binds, an unrelated RPC_URL is not mentioned,
     * and a misspelled Tern one is a warning, never a failed start, naming the variable Boot would read.
     */
    @Test
    void environmentVariablesBindAndOnlyAMisspelledTernOneIsWarnedAbout() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("RPC_CONSUMER_TIMEOUT", "2s", "RPC_URL", "http://127.0.0.1:8545", "RPC_SERVER_PROT", "7071",
                                "RPC_CONSUMER_LOAD_BALANCE", "random")));
        try (CapturedRun run = CapturedRun.run(GreetingApps.Starter.class, environment)) {
            assertNull(run.failure, () -> String.valueOf(run.failure));
            assertEquals(Duration.ofSeconds(2), run.context.getBean(RpcProperties.class).getConsumer().getTimeout());
            assertEquals(List.of("These properties are not Tern RPC properties:"
                    + "\n    rpc.consumer.load.balance (from System Environment Property \"RPC_CONSUMER_LOAD_BALANCE\"): did you mean"
                    + " rpc.consumer.load-balance (RPC_CONSUMER_LOADBALANCE)?"
                    + "\n    rpc.server.prot (from System Environment Property \"RPC_SERVER_PROT\"): did you mean rpc.server.port (RPC_SERVER_PORT)?"
                    + "\nIgnored: environment variables and JVM system properties are shared with other software, so they only warn."),
                    run.warnings(UnknownRpcProperties.class));
        }
    }
}
