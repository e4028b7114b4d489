package io.tern.rpc.benchmark.fleet;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real ZooKeeper ensemble (Curator's {@link TestingCluster}: quorum peers in this JVM, each on its own loopback
 * client port) and its four-letter-word statistics ({@code mntr}, {@code wchs}) read over a socket, as an operator
 * would. No connection limit per client address: every simulated process connects from 127.0.0.1.
 */
final class Ensemble implements AutoCloseable {
    private final TestingCluster cluster;
    private final List<InstanceSpec> specs = new ArrayList<>();

    Ensemble(int size) {
        // read by each server when it starts; the servers run in this JVM
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.admin.enableServer", "false");
        for (int i = 1; i <= size; i++) {
            // tick 2000 ms (ZooKeeper's default), maxClientCnxns 0 = unlimited
            specs.add(new InstanceSpec(null, -1, -1, -1, true, i, 2000, 0, Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1"));
        }
        this.cluster = new TestingCluster(specs);
    }

    void start() throws Exception {
        cluster.start();
    }

    String connectString() {
        return cluster.getConnectString();
    }

    int size() {
        return specs.size();
    }

    /** {@code mntr} of every server, in server order: numeric values only. */
    List<Map<String, Double>> mntr() throws IOException {
        List<Map<String, Double>> all = new ArrayList<>();
        for (InstanceSpec spec : specs) {
            Map<String, Double> values = new LinkedHashMap<>();
            for (String line : fourLetters(spec.getPort(), "mntr")) {
                String[] kv = line.split("\t", 2);
                if (kv.length == 2) {
                    try {
                        values.put(kv[0], Double.parseDouble(kv[1].trim()));
                    } catch (NumberFormatException e) {
                        // textual values (version, server state) are not needed
                    }
                }
            }
            all.add(values);
        }
        return all;
    }

    /** {@code wchs} of every server, one line each ("N connections watching M paths / Total watches:W"). */
    List<String> wchs() throws IOException {
        List<String> all = new ArrayList<>();
        for (InstanceSpec spec : specs) {
            all.add(String.join(" / ", fourLetters(spec.getPort(), "wchs")));
        }
        return all;
    }

    /** The value of {@code key} summed over the servers, in one {@link #mntr()} snapshot. */
    static double sum(List<Map<String, Double>> snapshot, String key) {
        double total = 0;
        for (Map<String, Double> server : snapshot) {
            total += server.getOrDefault(key, 0.0);
        }
        return total;
    }

    private static List<String> fourLetters(int port, String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> lines = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line.trim());
                }
            }
            return lines;
        }
    }

    @Override
    public void close() throws IOException {
        cluster.close();
    }
}
