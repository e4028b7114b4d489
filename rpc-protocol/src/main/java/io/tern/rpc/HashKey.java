package io.tern.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter (or parameters, taken in order) whose value decides which provider a call goes to under the
 * {@code consistent-hash} load balancer: calls with equal keys go to the same provider. Without it the reference's
 * argument indexes apply ({@code rpc.consumer.hash-arguments}, default the first argument).
 *
 * <pre>{@code
 * String cart(@HashKey long customerId, Instant asOf);
 * }</pre>
 *
 * The key is hashed by its content, never by object identity: strings, primitives and their boxes, enums (by name),
 * {@code UUID}, {@code java.time} values, {@code BigInteger}/{@code BigDecimal}, arrays, collections, maps,
 * {@code Optional} and records of those, or a class that overrides {@code toString()} with the fields that identify
 * it. A reference whose key parameter has no such form (an {@code Object}, an interface, a class without its own
 * {@code toString()}) is refused when it is created.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface HashKey {
}
