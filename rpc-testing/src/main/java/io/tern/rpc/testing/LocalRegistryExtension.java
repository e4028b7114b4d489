package io.tern.rpc.testing;

import io.tern.rpc.registry.RegistryConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link LocalRegistry} for a JUnit 5 test class. In a static field it serves every test of the class (and of its
 * {@code @Nested} classes); in an instance field each test gets a fresh one.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LocalRegistryExtension zk = new LocalRegistryExtension();
 *
 * @Test
 * void call() {
 *     TernServer server = new TernServer(serverConfig, zk.registryConfig(), "127.0.0.1");
 *     ...
 * }
 * }</pre>
 */
public final class LocalRegistryExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final int port;
    private volatile LocalRegistry registry;
    /** The context that started the registry: only its end closes it (a nested class's end does not). */
    private String startedBy;

    /** On a free port. */
    public LocalRegistryExtension() {
        this(0);
    }

    /** On {@code port} of 127.0.0.1 (0: a free port). */
    public LocalRegistryExtension(int port) {
        this.port = port;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopFor(context);
    }

    private synchronized void startFor(ExtensionContext context) {
        if (registry == null) {
            registry = LocalRegistry.start(port);
            startedBy = context.getUniqueId();
        }
    }

    private synchronized void stopFor(ExtensionContext context) {
        if (registry != null && context.getUniqueId().equals(startedBy)) {
            registry.close();
            registry = null;
            startedBy = null;
        }
    }

    /** The running registry; only between the extension's start and end (in tests and their set-up methods). */
    public LocalRegistry registry() {
        LocalRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("the local registry runs only while the tests run: register the extension with"
                    + " @RegisterExtension and use it from tests, @BeforeAll/@BeforeEach or later");
        }
        return r;
    }

    /** ZooKeeper's connect string, {@code 127.0.0.1:port}. */
    public String connectString() {
        return registry().connectString();
    }

    /** The registry address Tern takes (rpc.registry.address): {@code zookeeper://127.0.0.1:port}. */
    public String address() {
        return registry().address();
    }

    /** Tern's registry settings for this server. */
    public RegistryConfig registryConfig() {
        return registry().registryConfig();
    }
}
