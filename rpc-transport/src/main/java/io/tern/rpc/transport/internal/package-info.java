/**
 * Tern's implementation: not API, may change in any release.
 *
 * <p>Classes here are public only because the API package ({@code io.tern.rpc.transport}) and the other Tern modules
 * use them; applications should depend on {@code io.tern.rpc.transport} and the cluster layer instead.
 */
package io.tern.rpc.transport.internal;
