package io.tern.compat;

import io.netty.util.Version;
import io.tern.rpc.spring.RpcReference;
import io.tern.rpc.spring.RpcService;
import org.slf4j.MDC;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One application, built twice by .ci/compat: on a Spring Boot 4.0 parent and on a Spring Boot 3.5 parent, each
 * with the Netty its parent manages. It exports {@link Greeter} in the group of its own line ({@code compat.line}) and
 * calls both lines' greeters over Tern RPC through ZooKeeper; {@code /call?peer=boot3|boot4} makes one such call.
 */
@SpringBootApplication
public class CompatApplication {

    public static void main(String[] args) {
        SpringApplication.run(CompatApplication.class, args);
    }

    static String describe() {
        Version netty = Version.identify().get("netty-common");
        return "Spring Boot " + SpringBootVersion.getVersion() + ", Netty " + (netty == null ? "?" : netty.artifactVersion())
                + ", Java " + Runtime.version().feature();
    }

    @RpcService(group = "boot4")
    @ConditionalOnProperty(name = "compat.line", havingValue = "boot4")
    public static class Boot4Greeter implements Greeter {
        @Override
        public String greet(String from) {
            return "hello " + from + " from " + describe() + " in trace " + MDC.get("traceId");
        }
    }

    @RpcService(group = "boot3")
    @ConditionalOnProperty(name = "compat.line", havingValue = "boot3")
    public static class Boot3Greeter implements Greeter {
        @Override
        public String greet(String from) {
            return "hello " + from + " from " + describe() + " in trace " + MDC.get("traceId");
        }
    }

    @RestController
    public static class CallController {
        @RpcReference(group = "boot4", timeout = "5s")
        private Greeter boot4;
        @RpcReference(group = "boot3", timeout = "5s")
        private Greeter boot3;

        @GetMapping("/call")
        public String call(@RequestParam("peer") String peer) {
            Greeter greeter = switch (peer) {
                case "boot4" -> boot4;
                case "boot3" -> boot3;
                default -> throw new IllegalArgumentException("peer must be boot3 or boot4, not " + peer);
            };
            // the caller's trace (the HTTP request's), which the provider must have continued
            return greeter.greet(describe()) + "; caller trace " + MDC.get("traceId");
        }
    }
}
