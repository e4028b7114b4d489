package io.tern.rpc.spring;

import io.tern.rpc.transport.TlsConfig;

import java.io.File;

/**
 * {@code rpc.tls.*}: TLS on the transport, both sides. Identity: a key store (PKCS12, or JKS by the .jks suffix), or a
 * PEM certificate chain with a PKCS#8 PEM key. Trust: a trust store or a PEM file; neither means the JDK's CAs.
 */
public class RpcTlsProperties {
    /** Whether connections use TLS. */
    private boolean enabled;

    /** Key store holding this side's certificate and key (required on a provider unless cert-chain is set). */
    private String keyStore;

    /** Password of the key store and its key. */
    private String keyStorePassword;

    /** PEM certificate chain of this side (with private-key, instead of key-store). */
    private String certChain;

    /** PKCS#8 PEM private key of this side. */
    private String privateKey;

    /** Trust store of certificates this side accepts from its peers. */
    private String trustStore;

    /** Password of the trust store. */
    private String trustStorePassword;

    /** PEM file of trusted certificates (instead of trust-store). */
    private String trustCerts;

    /** Provider side: none, optional or require (require = mutual TLS: only clients with a trusted certificate). */
    private String clientAuth = "none";

    /** Consumer side: check that the provider's certificate names the address connected to. */
    private boolean verifyHostname = true;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean v) { enabled = v; }
    public String getKeyStore() { return keyStore; }
    public void setKeyStore(String v) { keyStore = v; }
    public String getKeyStorePassword() { return keyStorePassword; }
    public void setKeyStorePassword(String v) { keyStorePassword = v; }
    public String getCertChain() { return certChain; }
    public void setCertChain(String v) { certChain = v; }
    public String getPrivateKey() { return privateKey; }
    public void setPrivateKey(String v) { privateKey = v; }
    public String getTrustStore() { return trustStore; }
    public void setTrustStore(String v) { trustStore = v; }
    public String getTrustStorePassword() { return trustStorePassword; }
    public void setTrustStorePassword(String v) { trustStorePassword = v; }
    public String getTrustCerts() { return trustCerts; }
    public void setTrustCerts(String v) { trustCerts = v; }
    public String getClientAuth() { return clientAuth; }
    public void setClientAuth(String v) { clientAuth = v; }
    public boolean isVerifyHostname() { return verifyHostname; }
    public void setVerifyHostname(boolean v) { verifyHostname = v; }

    /** The TLS settings both sides run on, or null when TLS is off; the key material is read when a side starts. */
    TlsConfig toConfig() {
        if (!enabled) {
            return null;
        }
        return RpcConfigurationException.naming("rpc.tls.client-auth", () -> new TlsConfig(file(certChain), file(privateKey), file(keyStore),
                chars(keyStorePassword), file(trustCerts), file(trustStore), chars(trustStorePassword), TlsConfig.clientAuth(clientAuth),
                verifyHostname));
    }

    private static File file(String path) {
        return path == null || path.isBlank() ? null : new File(path.trim());
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }
}
