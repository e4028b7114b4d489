package io.tern.rpc.transport.internal;

import io.netty.util.Version;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which Netty lines the transport accepts, judged on supplied module lists, and on the one this build runs on. */
class NettyLinesTest {

    private static Map<String, String> all(String version) {
        return Map.of("netty-common", version, "netty-buffer", version, "netty-transport", version, "netty-codec", version,
                "netty-handler", version, "netty-transport-native-epoll", version, "netty-codec-http", version);
    }

    @Test
    void bothSupportedLinesPass() {
        for (String v : new String[] {"4.2.18.Final", "4.2.15.Final", "4.2.0.Final", "4.1.137.Final", "4.1.128.Final", "4.1.100.Final"}) {
            assertEquals(Optional.empty(), NettyLines.problem(all(v)), v);
        }
    }

    @Test
    void olderOrNewerLinesAreRefusedNamingWhatWasFoundAndWhatIsSupported() {
        for (String v : new String[] {"4.1.99.Final", "4.0.56.Final", "3.10.6.Final", "5.0.0.Alpha2", "4.3.0.Final"}) {
            String problem = NettyLines.problem(all(v)).orElseThrow(() -> new AssertionError(v + " was accepted"));
            assertTrue(problem.contains("does not run on Netty " + v), problem);
            assertTrue(problem.contains("netty-transport " + v), "names the modules found: " + problem);
            assertTrue(problem.contains("Netty 4.2.x or 4.1.x from 4.1.100.Final"), "names the supported lines: " + problem);
            assertTrue(problem.contains("Boot 4.0 (Netty 4.2) and Boot 3.5 (Netty 4.1) both work"), "says what to do: " + problem);
        }
    }

    @Test
    void modulesOfDifferentVersionsAreRefused() {
        Map<String, String> mixed = new java.util.HashMap<>(all("4.2.18.Final"));
        mixed.put("netty-transport", "4.1.128.Final");
        String problem = NettyLines.problem(mixed).orElseThrow();
        assertTrue(problem.contains("Netty modules of different versions"), problem);
        assertTrue(problem.contains("netty-transport 4.1.128.Final") && problem.contains("netty-common 4.2.18.Final"), problem);
        // a module the transport never loads (an HTTP codec pulled in by something else) is not its concern
        Map<String, String> otherModule = new java.util.HashMap<>(all("4.2.18.Final"));
        otherModule.put("netty-codec-http", "4.1.128.Final");
        assertEquals(Optional.empty(), NettyLines.problem(otherModule));
    }

    @Test
    void versionsOfAnotherShapeOrNoVersionFilesAreNotJudged() {
        assertEquals(Optional.empty(), NettyLines.problem(all("4.2.19-SNAPSHOT")));
        assertEquals(Optional.empty(), NettyLines.problem(Map.of()));
    }

    @Test
    void theNettyThisBuildRunsOnPassesAndIsOneOfTheSupportedLines() {
        NettyLines.requireSupported();
        String common = Version.identify().get("netty-common").artifactVersion();
        assertTrue(common.startsWith("4.2.") || common.startsWith("4.1."), common);
        assertEquals(Optional.empty(), NettyLines.problem(Map.of("netty-common", common)));
    }
}
