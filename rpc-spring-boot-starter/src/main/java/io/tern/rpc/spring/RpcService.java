package io.tern.rpc.spring;

import org.springframework.stereotype.Component;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exports a bean as a Tern RPC service. It is a Spring stereotype ({@link Component}), so a provider implementation
 * needs no other annotation:
 *
 * <pre>{@code
 * @RpcService(version = "2.0")
 * public class UserServiceImpl implements UserService { ... }
 * }</pre>
 *
 * The service is registered once the application has started, and unregistered, drained (GOAWAY, in-flight calls
 * finish up to {@code rpc.server.shutdown-grace}) and closed when it stops. Also valid on a {@code @Bean} method's
 * class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcService {
    /** The service interface; by default the single interface the class implements. */
    Class<?> interfaceClass() default void.class;

    /** Service version, part of the service key ({@code interface:version@group}); empty means none. */
    String version() default "";

    /** Service group, part of the service key; empty means none. */
    String group() default "";

    /** Load-balancing weight registered for this service; -1 means {@code rpc.server.weight} (default 100). */
    int weight() default -1;

    /**
     * Where calls run: {@code executor} (default: the bounded business executor, methods may block) or {@code direct}
     * (on the I/O thread: only for methods that never block, such as ones returning a CompletableFuture at once).
     */
    String mode() default "executor";
}
