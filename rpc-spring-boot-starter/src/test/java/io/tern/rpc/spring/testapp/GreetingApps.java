package io.tern.rpc.spring.testapp;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The applications the starter tests run (configured only through properties; see {@code Apps}). */
public final class GreetingApps {
    private GreetingApps() {
    }

    /** The starter alone: neither @RpcService nor @RpcReference, so nothing connects anywhere. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    public static class Starter {
    }

    /** A provider exporting {@link GreetingServiceImpl} (named by the property test.name). */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(GreetingServiceImpl.class)
    public static class Provider {
    }

    /** A consumer with one {@link GreetingCaller} bean. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(GreetingCaller.class)
    public static class Consumer {
    }
}
