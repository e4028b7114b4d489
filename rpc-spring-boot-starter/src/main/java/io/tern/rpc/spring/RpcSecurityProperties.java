package io.tern.rpc.spring;

/** {@code rpc.security.*}: shared-token authentication, for deployments without TLS client certificates. */
public class RpcSecurityProperties {
    /** Token every request must carry (provider) and that every request sends (consumer); never logged. Empty: off. */
    private String token;

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }
}
