package io.tern.rpc.spring;

import io.tern.rpc.registry.RegistryConfig;

/** The {@code rpc.*} properties, validated section by section ({@link RpcProperties#settings()}): what both sides run on. */
record RpcSettings(WireSettings wire, RegistryConfig registry, ServerSettings server, ConsumerSettings consumer) {
}
