package io.tern.rpc.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;

/**
 * TLS settings for either side. Own identity: a PEM certificate chain plus PKCS#8 PEM key, or a key store
 * (PKCS12/JKS). Trust: a PEM file of trusted certificates, or a trust store; none means the JDK's default CAs.
 * On a server, {@code clientAuth = REQUIRE} is mutual TLS: only clients with a certificate it trusts get in.
 */
public record TlsConfig(File certChain, File privateKey, File keyStore, char[] keyStorePassword, File trustCerts,
                        File trustStore, char[] trustStorePassword, ClientAuth clientAuth, boolean verifyHostname) {

    /** Server identity from a key store; trust from a trust store (may be null); client certificates as given. */
    public static TlsConfig serverFromKeyStore(File keyStore, String password, File trustStore, String trustPassword, ClientAuth clientAuth) {
        return new TlsConfig(null, null, keyStore, chars(password), null, trustStore, chars(trustPassword), clientAuth, false);
    }

    /** Client trust from a trust store; optional client identity from a key store (for mutual TLS). */
    public static TlsConfig clientFromKeyStore(File trustStore, String trustPassword, File keyStore, String password, boolean verifyHostname) {
        return new TlsConfig(null, null, keyStore, chars(password), null, trustStore, chars(trustPassword), ClientAuth.NONE, verifyHostname);
    }

    /** PEM files: certificate chain and PKCS#8 key (own identity, may be null on a client), trusted certificates (may be null). */
    public static TlsConfig fromPem(File certChain, File privateKey, File trustCerts, ClientAuth clientAuth, boolean verifyHostname) {
        return new TlsConfig(certChain, privateKey, null, null, trustCerts, null, null, clientAuth, verifyHostname);
    }

    /** {@code none}, {@code optional} or {@code require} (rpc.tls.client-auth). */
    public static ClientAuth clientAuth(String name) {
        String n = name == null ? "none" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "require", "required" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException("unknown rpc.tls.client-auth '" + name + "': use none, optional or require");
        };
    }

    SslContext serverContext() {
        try {
            SslContextBuilder b;
            if (keyStore != null) {
                b = SslContextBuilder.forServer(keyManagers());
            } else if (certChain != null && privateKey != null) {
                b = SslContextBuilder.forServer(readable(certChain, "rpc.tls.cert-chain"), readable(privateKey, "rpc.tls.private-key"));
            } else {
                throw new IllegalArgumentException("a TLS server needs its identity: rpc.tls.key-store, or rpc.tls.cert-chain and rpc.tls.private-key");
            }
            if (clientAuth == ClientAuth.REQUIRE && trustStore == null && trustCerts == null) {
                // without explicit trust material the JDK's public CAs would vouch for any client certificate
                throw new IllegalArgumentException("rpc.tls.client-auth=require needs the certificates to trust for clients:"
                        + " set rpc.tls.trust-store or rpc.tls.trust-certs (refusing to fall back to the JDK's public CAs)");
            }
            trust(b);
            b.clientAuth(clientAuth == null ? ClientAuth.NONE : clientAuth);
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS for the server: " + e.getMessage(), e);
        }
    }

    SslContext clientContext() {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (keyStore != null) {
                b.keyManager(keyManagers());
            } else if (certChain != null && privateKey != null) {
                b.keyManager(readable(certChain, "rpc.tls.cert-chain"), readable(privateKey, "rpc.tls.private-key"));
            }
            trust(b);
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS for the client: " + e.getMessage(), e);
        }
    }

    private void trust(SslContextBuilder b) {
        if (trustStore != null) {
            b.trustManager(trustManagers());
        } else if (trustCerts != null) {
            b.trustManager(readable(trustCerts, "rpc.tls.trust-certs"));
        }
    }

    private KeyManagerFactory keyManagers() {
        try {
            KeyStore ks = load(keyStore, keyStorePassword, "rpc.tls.key-store");
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, keyStorePassword);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the key in " + keyStore + " (rpc.tls.key-store / key-store-password): " + e.getMessage(), e);
        }
    }

    private TrustManagerFactory trustManagers() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustStore, trustStorePassword, "rpc.tls.trust-store"));
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read trusted certificates from " + trustStore + " (rpc.tls.trust-store): " + e.getMessage(), e);
        }
    }

    private static KeyStore load(File file, char[] password, String property) {
        readable(file, property);
        try (InputStream in = Files.newInputStream(file.toPath())) {
            KeyStore ks = KeyStore.getInstance(file.getName().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open " + file + " (" + property + "): " + e.getMessage()
                    + " — is the password right and the file PKCS12 (or .jks)?", e);
        }
    }

    private static File readable(File f, String property) {
        if (!f.canRead()) {
            throw new IllegalArgumentException(property + " " + f + " does not exist or cannot be read");
        }
        return f;
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }

    @Override
    public String toString() {
        return "TlsConfig{keyStore=" + keyStore + ", certChain=" + certChain + ", trustStore=" + trustStore + ", trustCerts=" + trustCerts
                + ", clientAuth=" + clientAuth + ", verifyHostname=" + verifyHostname + "}"; // never the passwords
    }
}
