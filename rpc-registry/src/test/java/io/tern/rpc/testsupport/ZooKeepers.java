package io.tern.rpc.testsupport;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real ZooKeeper servers for tests, bound to 127.0.0.1 only. */
public final class ZooKeepers {
    /** ZooKeeper's minimum session timeout is 2 ticks: a short tick lets tests use short sessions. */
    public static final int TICK_MILLIS = 200;

    private ZooKeepers() {
    }

    public static InstanceSpec loopbackSpec(int port, int serverId) {
        return new InstanceSpec(null, port, -1, -1, true, serverId, TICK_MILLIS, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    }

    /** A started single server on a free loopback port. */
    public static TestingServer server() throws Exception {
        return new TestingServer(loopbackSpec(-1, -1), true);
    }

    /** A started server on a given port (to restart "the same" ZooKeeper after a stop). */
    public static TestingServer server(int port) throws Exception {
        return new TestingServer(loopbackSpec(port, -1), true);
    }

    public static TestingCluster cluster(int size) {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, i, TICK_MILLIS, -1, Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1"));
        }
        return new TestingCluster(specs);
    }

    /** {@code zookeeper://} address of a connect string. */
    public static String address(String connectString) {
        return "zookeeper://" + connectString;
    }
}
