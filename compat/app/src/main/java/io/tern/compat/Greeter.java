package io.tern.compat;

/** The service each compatibility app exports (group = its Boot line) and calls on the other app. */
public interface Greeter {
    /** Who answers: the Spring Boot, Netty and Java versions of the answering application. */
    String greet(String from);
}
