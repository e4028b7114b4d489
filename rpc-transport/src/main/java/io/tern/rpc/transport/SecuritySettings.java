package io.tern.rpc.transport;

import io.netty.handler.ssl.SslContext;

/**
 * What both sides configure about security, held the same way by {@link ClientConfig} and {@link ServerConfig}:
 * TLS ({@code null}: plaintext) and the shared token of rpc.security.token ({@code null}: off; an empty token is
 * off too, as an unset property is). Its text never shows the token.
 */
record SecuritySettings(TlsConfig tls, String authToken) {
    static final SecuritySettings NONE = new SecuritySettings(null, null);

    SecuritySettings {
        authToken = authToken == null || authToken.isEmpty() ? null : authToken;
    }

    SecuritySettings withTls(TlsConfig tls) {
        return new SecuritySettings(tls, authToken);
    }

    SecuritySettings withAuthToken(String token) {
        return new SecuritySettings(tls, token);
    }

    /** True when a token is set but TLS is off: the token travels in clear text, and whoever reads it can replay it. */
    boolean tokenInClearText() {
        return authToken != null && tls == null;
    }

    /** The client's TLS context, checked and loaded now; null for plaintext. */
    SslContext clientContext() {
        return tls == null ? null : tls.clientContext();
    }

    /** The server's TLS context, checked and loaded now; null for plaintext. */
    SslContext serverContext() {
        return tls == null ? null : tls.serverContext();
    }

    @Override
    public String toString() {
        return "tls=" + (tls != null) + ", authToken=" + (authToken == null ? "off" : "***");
    }
}
