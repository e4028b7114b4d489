package io.tern.rpc.transport.internal;

import io.netty.channel.Channel;
import io.tern.rpc.transport.internal.FrameDecoder;
import io.tern.rpc.transport.internal.PeerLog;
import io.tern.rpc.protocol.RpcRequest;
import io.tern.rpc.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The shared-token check (rpc.security.token). It runs on the I/O thread right after the request head is decoded,
 * before any argument is decoded or a compressed body is inflated past the head: a client without the token costs
 * the provider no more than reading a head.
 */
public final class TokenCheck {
    private static final Logger log = LoggerFactory.getLogger(TokenCheck.class);

    /** The expected token's bytes; null when no token is required. */
    private final byte[] expected;
    private final ServerCounters counters;
    private final PeerLog peerLog;

    public TokenCheck(String token, ServerCounters counters, PeerLog peerLog) {
        this.expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.counters = counters;
        this.peerLog = peerLog;
    }

    /** Takes the token out of {@code attachments} (the method never sees it), refusing the request if it is wrong. */
    void check(Map<String, String> attachments, Channel channel) throws RequestRefused {
        if (expected == null) {
            return;
        }
        if (matches(attachments.isEmpty() ? null : attachments.remove(RpcRequest.AUTH_TOKEN))) {
            return;
        }
        counters.authRefusals.increment();
        String peer = FrameDecoder.peer(channel.remoteAddress());
        peerLog.warn(log, peer, "Refused a request from " + peer + ": missing or wrong auth token (rpc.security.token; "
                + counters.authRefusals.sum() + " refused since start)");
        throw new RequestRefused(Status.BAD_REQUEST, "authentication failed: the request carries no token or a wrong one (rpc.security.token)");
    }

    /** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }
}
