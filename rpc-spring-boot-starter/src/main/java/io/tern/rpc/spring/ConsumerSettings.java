package io.tern.rpc.spring;

import io.tern.rpc.transport.ClientConfig;

/**
 * The {@code rpc.consumer.*} settings, validated by {@link RpcConsumerProperties#toSettings}.
 *
 * @param client     what the transport's client runs on (with rpc.heartbeat, rpc.tls and rpc.security)
 * @param references what every reference starts from
 */
record ConsumerSettings(ClientConfig client, ReferenceDefaults references) {
}
