package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.internal.PeerLog;
import io.tern.rpc.transport.ServerConfig;
import io.tern.rpc.transport.TransportServer;

/** The server-wide collaborators each connection's {@link ServerHandler} composes (one instance per {@link TransportServer}). */
public record ProviderParts(ServerConfig config, ExportTable exports, TokenCheck tokens, ServerDrain drain, ServerCounters counters,
                     BusinessExecutor executor, PeerLog peerLog) {
}
