package io.tern.rpc.spring;

import io.tern.rpc.transport.ServerConfig;

/**
 * The {@code rpc.server.*} settings, validated by {@link RpcServerProperties#toSettings}.
 *
 * @param config         what the transport's server runs on
 * @param advertisedHost address registered for consumers, or null: the bind host if concrete, else detected
 * @param weight         weight of every {@code @RpcService} that does not set its own
 */
record ServerSettings(ServerConfig config, String advertisedHost, int weight) {
}
