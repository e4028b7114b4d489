package io.tern.rpc.testsupport;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made by the JDK's keytool in a temporary directory: a server identity, a client
 * identity, a stranger nobody trusts, and trust stores holding each other's certificate (PKCS12, password
 * {@link #PASSWORD}, SAN 127.0.0.1 and localhost).
 */
public record TestCertificates(File serverKeyStore, File clientKeyStore, File strangerKeyStore, File serverTrustStore,
                               File clientTrustStore) {
    public static final String PASSWORD = "changeit";

    public static TestCertificates create(Path dir) throws Exception {
        File server = keyPair(dir, "server");
        File client = keyPair(dir, "client");
        File stranger = keyPair(dir, "stranger");
        return new TestCertificates(server, client, stranger, trustStoreOf(dir, "server-trust", client, "client"),
                trustStoreOf(dir, "client-trust", server, "server"));
    }

    private static File keyPair(Path dir, String alias) throws Exception {
        File ks = dir.resolve(alias + ".p12").toFile();
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.getPath(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        return ks;
    }

    private static File trustStoreOf(Path dir, String name, File keyStore, String alias) throws Exception {
        File cert = dir.resolve(alias + ".pem").toFile();
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.getPath(), "-storepass", PASSWORD, "-file", cert.getPath());
        File trust = dir.resolve(name + ".p12").toFile();
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.getPath(), "-storetype", "PKCS12", "-keystore", trust.getPath(),
                "-storepass", PASSWORD);
        return trust;
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/keytool");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
