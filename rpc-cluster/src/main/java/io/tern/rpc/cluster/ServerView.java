package io.tern.rpc.cluster;

import java.util.List;

/**
 * The provider side as it is now (SPEC §4, the {@code rpc} endpoint).
 *
 * @param address             the advertised host:port
 * @param serving             bound and taking calls (false before start, while draining, once closed)
 * @param online              registered (false after {@link TernServer#offline()} until {@link TernServer#online()})
 * @param services            the exported service keys
 * @param inFlight            calls accepted and not yet answered
 * @param executorOutstanding calls on the business executor, queued or running
 * @param executorThreads     business threads alive now
 * @param serverBusy          requests answered SERVER_BUSY since start
 * @param connections         client connections open now
 * @param registry            the registry session's state (CONNECTED, SUSPENDED, LOST, ...), or none before start
 */
public record ServerView(String address, boolean serving, boolean online, List<String> services, int inFlight, int executorOutstanding,
                         int executorThreads, long serverBusy, int connections, String registry) {
}
