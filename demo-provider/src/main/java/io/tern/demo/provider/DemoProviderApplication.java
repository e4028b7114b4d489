package io.tern.demo.provider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The demo provider: exports {@link UserServiceImpl} through {@code @RpcService}. No web server; the starter keeps
 * the JVM running while the RPC server is up, and SIGTERM stops it gracefully (unregister, GOAWAY, drain).
 *
 * <pre>
 * java -jar demo-provider.jar --rpc.server.port=7071 --rpc.server.weight=200 --demo.slow-ratio=0.3
 * </pre>
 */
@SpringBootApplication
public class DemoProviderApplication {
    public static void main(String[] args) {
        SpringApplication.run(DemoProviderApplication.class, args);
    }
}
