package io.tern.rpc.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a proxy of a remote service into a field:
 *
 * <pre>{@code
 * @RpcReference(timeout = "500ms")
 * private UserService users;
 * }</pre>
 *
 * An attribute left at its default takes the matching {@code rpc.consumer.*} property (or {@code rpc.serialization}
 * / {@code rpc.compression}). Fields with the same settings share one proxy. For constructor injection or
 * {@code @Bean} methods, use {@link RpcReferences#get(Class, ReferenceSettings)}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcReference {
    /** Service version to call; empty means none. */
    String version() default "";

    /** Service group to call; empty means none. */
    String group() default "";

    /** Per-call deadline such as {@code 500ms} or {@code 3s}; empty means {@code rpc.consumer.timeout}. */
    String timeout() default "";

    /** {@code random}, {@code round-robin}, {@code least-active}, {@code consistent-hash} or {@code p2c}; empty means {@code rpc.consumer.load-balance}. */
    String loadBalance() default "";

    /** {@code failover} or {@code failfast}; empty means {@code rpc.consumer.cluster}. */
    String cluster() default "";

    /** Extra attempts for failover; -1 means {@code rpc.consumer.retries}. */
    int retries() default -1;

    /** {@code off}, a delay such as {@code 50ms}, or a percentile such as {@code p95}; empty means {@code rpc.consumer.backup-request}. */
    String backupRequest() default "";

    /** {@code protostuff} or {@code kryo}; empty means {@code rpc.serialization}. */
    String serialization() default "";

    /** {@code none} or {@code gzip}; empty means {@code rpc.compression}. */
    String compression() default "";

    /** Treat every method as {@code @Idempotent} (retried after a timeout or dropped connection, may get backup requests). */
    boolean idempotent() default false;
}
