package io.tern.demo.provider;

import io.tern.rpc.spring.RpcEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * For demo.sh, which has no HTTP client to call {@code POST /actuator/rpc}: when {@code demo.control-file} is set, its
 * content ({@code offline} or {@code online}) is passed to the rpc endpoint's write operation, as an operator's POST
 * would be. Without the property this does nothing.
 */
@Component
class OfflineSwitch implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(OfflineSwitch.class);
    private final String controlFile;
    private final ObjectProvider<RpcEndpoint> endpoint;

    OfflineSwitch(@Value("${demo.control-file:}") String controlFile, ObjectProvider<RpcEndpoint> endpoint) {
        this.controlFile = controlFile;
        this.endpoint = endpoint;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (controlFile.isBlank()) {
            return;
        }
        Thread t = new Thread(this::watch, "demo-offline-switch");
        t.setDaemon(true);
        t.start();
    }

    private void watch() {
        String applied = "online";
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling a file the tour script writes
            String wanted = read();
            if (wanted != null && !wanted.equals(applied) && endpoint.getIfAvailable() != null) {
                log.info("demo: rpc endpoint write operation state={} (as POST /actuator/rpc would) -> {}", wanted, endpoint.getObject().state(wanted));
                applied = wanted;
            }
        }
    }

    private String read() {
        try {
            Path p = Path.of(controlFile);
            return Files.exists(p) ? Files.readString(p).trim() : null;
        } catch (IOException e) {
            log.warn("demo: cannot read {}: {}", controlFile, e.toString());
            return null;
        }
    }
}
