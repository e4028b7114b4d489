package io.tern.demo.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The demo consumer: runs {@link Tour} (a few sample calls, then steady load with a status line per second) and
 * exits with status 0 when it is over.
 */
@SpringBootApplication
public class DemoConsumerApplication {
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(DemoConsumerApplication.class, args)));
    }
}
