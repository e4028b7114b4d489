package io.tern.rpc.transport;

import io.tern.rpc.protocol.PeerLog;

/** The server-wide collaborators each connection's {@link ServerHandler} composes (one instance per {@link TransportServer}). */
record ProviderParts(ServerConfig config, ExportTable exports, TokenCheck tokens, ServerDrain drain, ServerCounters counters,
                     BusinessExecutor executor, PeerLog peerLog) {
}
