package io.tern.rpc.transport.internal;

import io.netty.util.Version;
import io.tern.rpc.transport.UnsupportedNettyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Netty lines Tern RPC supports: 4.1 from {@value #OLDEST_41} (Spring Boot 3.5 manages 4.1) and 4.2 (pinned here,
 * and managed by Spring Boot 4), with every Netty module at one version. Only APIs present in both lines are used
 * (the classic {@code NioEventLoopGroup}/{@code EpollEventLoopGroup} constructors, deprecated but kept in 4.2).
 *
 * <p>The check reads the version files each Netty jar carries ({@link Version#identify()}); a repackaged Netty without
 * them is not judged.
 */
public final class NettyLines {
    private static final Logger log = LoggerFactory.getLogger(NettyLines.class);
    static final String OLDEST_41 = "4.1.100.Final";
    static final String SUPPORTED = "Netty 4.2.x or 4.1.x from " + OLDEST_41 + " (tested: 4.2.18.Final, 4.2.15.Final from"
            + " Spring Boot 4.0.7, 4.1.137.Final, 4.1.128.Final from Spring Boot 3.5.7)";
    /** The modules the transport loads classes from; a native-transport jar is judged too when present. */
    private static final List<String> CORE = List.of("netty-common", "netty-buffer", "netty-transport", "netty-codec", "netty-handler");

    private static volatile boolean checked;

    private NettyLines() {
    }

    /** Fails with {@link UnsupportedNettyException} unless the Netty on the class path is supported; checks once. */
    public static void requireSupported() {
        if (checked) {
            return;
        }
        Map<String, String> found = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> found.put(artifact, version.artifactVersion()));
        Optional<String> problem = problem(found);
        if (problem.isPresent()) {
            throw new UnsupportedNettyException(problem.get(), describe(found));
        }
        if (found.isEmpty()) {
            log.debug("No Netty version files on the class path (a repackaged Netty?): its line was not checked");
        }
        checked = true;
    }

    /** What is wrong with these Netty modules (artifact id to version), or empty when they are supported. */
    static Optional<String> problem(Map<String, String> artifactVersions) {
        Map<String, String> relevant = new TreeMap<>();
        artifactVersions.forEach((artifact, version) -> {
            if (CORE.contains(artifact) || artifact.startsWith("netty-transport-native-") || artifact.startsWith("netty-transport-classes-")) {
                relevant.put(artifact, version);
            }
        });
        if (relevant.isEmpty()) {
            return Optional.empty();
        }
        String fix = " With a Spring Boot parent or BOM, Netty comes from Boot's dependency management: Boot 4.0 (Netty 4.2)"
                + " and Boot 3.5 (Netty 4.1) both work, so remove any netty.version override; without Boot, import"
                + " io.netty:netty-bom at one supported version so every Netty module matches.";
        if (relevant.values().stream().distinct().count() > 1) {
            return Optional.of("Tern RPC found Netty modules of different versions on the class path (" + describe(relevant)
                    + "); mixed Netty jars fail at run time. It needs " + SUPPORTED + ", every module at one version." + fix);
        }
        String version = relevant.values().iterator().next();
        if (!supported(version)) {
            return Optional.of("Tern RPC does not run on Netty " + version + " (" + describe(relevant) + "). It needs " + SUPPORTED + "." + fix);
        }
        return Optional.empty();
    }

    static boolean supported(String version) {
        int[] v = numbers(version);
        if (v == null) {
            return true; // a build of Netty that names itself differently (a snapshot, a vendor build): not judged
        }
        return (v[0] == 4 && v[1] == 2) || (v[0] == 4 && v[1] == 1 && v[2] >= numbers(OLDEST_41)[2]);
    }

    /** major, minor, micro of {@code 4.1.137.Final}; null when the version has another shape. */
    private static int[] numbers(String version) {
        String[] parts = version.split("\\.");
        if (parts.length < 3) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(Map<String, String> artifactVersions) {
        return artifactVersions.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
