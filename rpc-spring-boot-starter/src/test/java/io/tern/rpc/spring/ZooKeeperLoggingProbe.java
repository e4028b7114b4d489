package io.tern.rpc.spring;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tern.rpc.spring.testapp.GreetingApps;

/**
 * Run in a JVM of its own by {@link RegistryStartupTest}: starts and stops a consumer against the ZooKeeper named in
 * the first argument (further arguments are properties) and prints every event of the ZooKeeper client and Curator
 * that got through the log levels, one line each: {@code PROBE|level|logger|message}. A JVM of its own because the
 * ZooKeeper client logs its environment (the class path among it) once per JVM, when its class initializes.
 */
public final class ZooKeeperLoggingProbe {
    private ZooKeeperLoggingProbe() {
    }

    public static void main(String[] args) {
        String[] properties = new String[args.length];
        properties[0] = "rpc.registry.address=zookeeper://" + args[0];
        System.arraycopy(args, 1, properties, 1, args.length - 1);
        try (CapturedRun run = CapturedRun.run(GreetingApps.Consumer.class, properties)) {
            if (run.failure != null) {
                System.out.println("PROBE-FAILED|" + run.failure);
                System.exit(1);
            }
            for (ILoggingEvent e : run.events()) {
                if (e.getLoggerName().startsWith("org.apache.zookeeper") || e.getLoggerName().startsWith("org.apache.curator")) {
                    System.out.println("PROBE|" + e.getLevel() + "|" + e.getLoggerName() + "|" + e.getFormattedMessage().replace('\n', ' '));
                }
            }
        }
        System.out.println("PROBE-DONE");
        System.exit(0);
    }
}
