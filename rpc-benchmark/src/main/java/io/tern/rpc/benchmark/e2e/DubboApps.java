package io.tern.rpc.benchmark.e2e;

import org.apache.dubbo.config.ApplicationConfig;

/** The application settings both Dubbo JVMs share. */
final class DubboApps {
    private DubboApps() {
    }

    /**
     * Points Dubbo's logging at slf4j (logback, as Tern's) before its first class loads; left alone it probes
     * several frameworks and prints its findings on stderr.
     */
    static void useSlf4j() {
        if (System.getProperty("dubbo.application.logger") == null) {
            System.setProperty("dubbo.application.logger", "slf4j");
        }
    }

    /** Dubbo's defaults but the QoS console: on, both JVMs would fight for its fixed port 22222 on one machine. */
    static ApplicationConfig application(String name) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        return app;
    }
}
