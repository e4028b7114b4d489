package io.tern.rpc.registry;

import ch.qos.logback.classic.Level;
import io.tern.rpc.testsupport.LogCapture;
import io.tern.rpc.testsupport.Poll;
import io.tern.rpc.testsupport.ZooKeepers;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Digest credentials and ACLs on the registry tree, against a real ZooKeeper: only credential holders register. */
class RegistryAclTest {
    static final String KEY = "io.tern.demo.HelloService:2.0@blue";
    static final String ROOT = "/tern";
    static final String SERVICE = ROOT + "/" + KEY;
    static final String PROVIDERS = SERVICE + "/providers";
    static final String USER = "tern-provider";
    static final String PASSWORD = "s3cret-Pa55";

    TestingServer zk;
    final List<CuratorFramework> rawClients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        zk = ZooKeepers.server();
    }

    @AfterEach
    void stop() throws Exception {
        rawClients.forEach(CuratorFramework::close);
        zk.close();
    }

    RegistryConfig config() {
        return RegistryConfig.of(ZooKeepers.address(zk.getConnectString())).withSessionTimeout(Duration.ofSeconds(4));
    }

    RegistryConfig withCredentials() {
        return config().withCredentials(USER, PASSWORD);
    }

    static ProviderInfo provider(int port) {
        return new ProviderInfo(KEY, "127.0.0.1", port, 100, "protostuff", 1L, "2.0", "blue", Map.of());
    }

    static String providerPath(int port) {
        return PROVIDERS + "/127.0.0.1:" + port;
    }

    /** A plain Curator client, authenticated with digest credentials when given ("user:password"). */
    CuratorFramework raw(String credentials) throws InterruptedException {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .retryPolicy(new RetryOneTime(100));
        if (credentials != null) {
            b.authorization("digest", credentials.getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = b.build();
        rawClients.add(c);
        c.start();
        assertTrue(c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS), "raw client connected");
        return c;
    }

    static List<ACL> expectedAcl() throws Exception {
        return List.of(new ACL(ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("digest",
                        DigestAuthenticationProvider.generateDigest(USER + ":" + PASSWORD))),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    }

    static void assertAcl(CuratorFramework owner, String path) throws Exception {
        assertEquals(new HashSet<>(expectedAcl()), new HashSet<>(owner.getACL().forPath(path)), "ACL of " + path);
    }

    static void assertNoAuth(String what, Executable operation) {
        assertThrows(KeeperException.NoAuthException.class, operation, what + " must be refused");
    }

    @Test
    void providerWithCredentialsWritesEveryNodeWithTheDigestAcl() throws Exception {
        try (Registry registry = Registries.create(withCredentials())) {
            registry.register(provider(7070));
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            for (String path : List.of(ROOT, SERVICE, PROVIDERS, providerPath(7070))) {
                assertAcl(owner, path);
            }
            Stat stat = owner.checkExists().forPath(providerPath(7070));
            assertNotNull(stat, "provider node exists");
            assertTrue(stat.getEphemeralOwner() != 0, "provider node is EPHEMERAL");
        }
    }

    @Test
    void peersWithoutOrWithWrongCredentialsCannotWriteTheTree() throws Exception {
        try (Registry registry = Registries.create(withCredentials())) {
            registry.register(provider(7070));
            String node = providerPath(7070);
            for (String credentials : new String[]{null, USER + ":wrong-password", "intruder:" + PASSWORD}) {
                CuratorFramework peer = raw(credentials);
                String who = credentials == null ? "no credentials" : credentials;
                assertNoAuth(who + ": fake provider", () -> peer.create().forPath(PROVIDERS + "/6.6.6.6:7070", "weight=100".getBytes()));
                assertNoAuth(who + ": ephemeral fake provider", () -> peer.create().withMode(CreateMode.EPHEMERAL)
                        .forPath(PROVIDERS + "/6.6.6.6:7071"));
                assertNoAuth(who + ": delete provider", () -> peer.delete().forPath(node));
                assertNoAuth(who + ": overwrite provider", () -> peer.setData().forPath(node, "weight=0".getBytes()));
                assertNoAuth(who + ": re-ACL provider", () -> peer.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(node));
                for (String parent : List.of(ROOT, SERVICE, PROVIDERS)) {
                    assertNoAuth(who + ": modify " + parent, () -> peer.setData().forPath(parent, "x".getBytes()));
                    assertNoAuth(who + ": re-ACL " + parent, () -> peer.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(parent));
                }
                for (String parent : List.of(PROVIDERS, SERVICE)) {
                    assertNoAuth(who + ": delete " + parent, () -> peer.delete().forPath(parent));
                }
                // the root's own entry belongs to ZooKeeper's open "/": what protects it is that its children cannot go
                for (String parent : List.of(PROVIDERS, SERVICE, ROOT)) {
                    assertNoAuth(who + ": delete " + parent + " with its children", () -> peer.delete().deletingChildrenIfNeeded().forPath(parent));
                }
                assertNoAuth(who + ": fake service", () -> peer.create().creatingParentsIfNeeded()
                        .forPath(ROOT + "/io.tern.demo.Fake/providers/6.6.6.6:1"));
                // consumers read without credentials
                assertEquals("weight=100&serialization=protostuff&timestamp=1&version=2.0&group=blue",
                        new String(peer.getData().forPath(node), StandardCharsets.UTF_8));
                assertEquals(List.of("127.0.0.1:7070"), peer.getChildren().forPath(PROVIDERS));
            }
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            assertEquals(List.of("127.0.0.1:7070"), owner.getChildren().forPath(PROVIDERS), "nothing was added");
            assertAcl(owner, node);
        }
    }

    @Test
    void consumersDiscoverWithOrWithoutCredentials() {
        AtomicReference<List<ProviderInfo>> anonymous = new AtomicReference<>(List.of());
        AtomicReference<List<ProviderInfo>> authenticated = new AtomicReference<>(List.of());
        try (Registry provider = Registries.create(withCredentials());
             Registry plainConsumer = Registries.create(config());
             Registry credentialedConsumer = Registries.create(withCredentials())) {
            plainConsumer.subscribe(KEY, anonymous::set);
            credentialedConsumer.subscribe(KEY, authenticated::set);
            provider.register(provider(7070));
            Poll.until(Duration.ofSeconds(10), "consumer without credentials sees the provider", () -> anonymous.get().size() == 1);
            Poll.until(Duration.ofSeconds(10), "consumer with credentials sees the provider", () -> authenticated.get().size() == 1);
            assertEquals(7070, anonymous.get().get(0).port());
            provider.unregister(provider(7070));
            Poll.until(Duration.ofSeconds(10), "removal seen without credentials", () -> anonymous.get().isEmpty());
        }
    }

    @Test
    void openTreeIsTightenedWhenAProviderWithCredentialsRegisters() throws Exception {
        CuratorFramework before = raw(null);
        before.create().creatingParentsIfNeeded().forPath(PROVIDERS); // as a provider without credentials left it
        before.create().forPath(PROVIDERS + "/6.6.6.6:7070", "weight=100".getBytes()); // planted while it was open
        try (LogCapture log = LogCapture.of(ZooKeeperRegistry.class); Registry registry = Registries.create(withCredentials())) {
            registry.register(provider(7070));
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            for (String path : List.of(ROOT, SERVICE, PROVIDERS)) {
                assertAcl(owner, path);
            }
            CuratorFramework peer = raw(null);
            assertNoAuth("fake provider after tightening", () -> peer.create().forPath(PROVIDERS + "/6.6.6.6:7071"));
            assertTrue(log.messages(Level.WARN).stream().anyMatch(m -> m.contains("6.6.6.6:7070") && m.contains(PROVIDERS)),
                    "the node planted while the tree was open is named: " + log.messages(Level.WARN));
        }
    }

    @Test
    void treeWritableByAnyoneThatTheseCredentialsCannotChangeFailsRegistration() throws Exception {
        // world may create/delete/write but not administer: the ACL cannot be tightened, so fakes could still register
        List<ACL> openWithoutAdmin = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.ADMIN, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
        raw(null).create().creatingParentsIfNeeded().withACL(openWithoutAdmin).forPath(PROVIDERS);
        try (Registry registry = Registries.create(withCredentials())) {
            RegistryException e = assertThrows(RegistryException.class, () -> registry.register(provider(7070)));
            assertTrue(e.getMessage().contains(PROVIDERS), e.getMessage());
            assertTrue(e.getMessage().contains("without credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("deleteall " + PROVIDERS), e.getMessage());
            assertNull(raw(null).checkExists().forPath(providerPath(7070)), "not registered in a tree anyone may write");
        }
    }

    @Test
    void providerWithWrongOrNoCredentialsFailsOnAProtectedTree() throws Exception {
        try (Registry owner = Registries.create(withCredentials())) {
            owner.register(provider(7070));
            RegistryConfig wrong = config().withCredentials(USER, "not-the-password").withConnectTimeout(Duration.ofSeconds(3));
            try (Registry intruder = Registries.create(wrong)) {
                long start = System.nanoTime();
                RegistryException e = assertThrows(RegistryException.class, () -> intruder.register(provider(7071)));
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "refused at once, not after a timeout");
                assertTrue(e.getMessage().contains(providerPath(7071)), e.getMessage());
                assertTrue(e.getMessage().contains("NoAuth"), e.getMessage());
                assertTrue(e.getMessage().contains("rpc.registry.password"), e.getMessage());
                assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());

                ProviderInfo otherService = new ProviderInfo("io.tern.demo.Other", "127.0.0.1", 7072, 100, "", 1L, "", "", Map.of());
                RegistryException e2 = assertThrows(RegistryException.class, () -> intruder.register(otherService));
                assertTrue(e2.getMessage().contains(ROOT + "/io.tern.demo.Other"), e2.getMessage());
            }
            try (Registry anonymous = Registries.create(config())) {
                RegistryException e = assertThrows(RegistryException.class, () -> anonymous.register(provider(7073)));
                assertTrue(e.getMessage().contains(providerPath(7073)), e.getMessage());
                assertTrue(e.getMessage().contains("set rpc.registry.username and rpc.registry.password"), e.getMessage());
            }
            assertEquals(List.of("127.0.0.1:7070"), raw(null).getChildren().forPath(PROVIDERS));
        }
    }

    @Test
    void treeOwnedByAnAdministratorIsKeptWhenItGrantsTheseCredentialsCreate() throws Exception {
        String admin = "ops:admin-password";
        List<ACL> adminRoot = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("digest",
                        DigestAuthenticationProvider.generateDigest(admin))),
                new ACL(ZooDefs.Perms.CREATE | ZooDefs.Perms.READ, expectedAcl().get(0).getId()),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
        CuratorFramework ops = raw(admin);
        ops.create().withACL(adminRoot).forPath(ROOT);
        try (Registry registry = Registries.create(withCredentials())) {
            registry.register(provider(7070));
            assertEquals(new HashSet<>(adminRoot), new HashSet<>(ops.getACL().forPath(ROOT)), "the administrator's ACL stays");
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            assertAcl(owner, SERVICE);
            assertAcl(owner, providerPath(7070));
        }
    }

    @Test
    void sessionExpiryRecreatesTheProviderNodeWithTheAcl() throws Exception {
        try (ZooKeeperRegistry registry = (ZooKeeperRegistry) Registries.create(withCredentials())) {
            registry.register(provider(7070));
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            long ownerBefore = owner.checkExists().forPath(providerPath(7070)).getEphemeralOwner();
            KillSession.kill(registry.curator().getZookeeperClient().getZooKeeper());
            Poll.until(Duration.ofSeconds(20), "node re-created under a new session", () -> {
                Stat s = exists(owner, providerPath(7070));
                return s != null && s.getEphemeralOwner() != ownerBefore;
            });
            assertAcl(owner, providerPath(7070));
        }
    }

    @Test
    void openTreeLeftWhileZooKeeperWasDownIsTightenedOnceItIsBack() throws Exception {
        raw(null).create().creatingParentsIfNeeded().forPath(PROVIDERS);
        rawClients.forEach(CuratorFramework::close);
        rawClients.clear();
        RegistryConfig cfg = withCredentials().withSessionTimeout(Duration.ofSeconds(20)).withConnectTimeout(Duration.ofSeconds(1));
        try (ZooKeeperRegistry registry = (ZooKeeperRegistry) Registries.create(cfg)) {
            zk.stop();
            Poll.until(Duration.ofSeconds(10), "registry sees the outage", () -> !registry.curator().getZookeeperClient().isConnected());
            registry.register(provider(7070)); // returns unconfirmed: ZooKeeper is down
            zk.restart();
            CuratorFramework owner = raw(USER + ":" + PASSWORD);
            Poll.until(Duration.ofSeconds(30), "open parents tightened after the outage", () -> {
                try {
                    return new HashSet<>(expectedAcl()).equals(new HashSet<>(owner.getACL().forPath(PROVIDERS)))
                            && new HashSet<>(expectedAcl()).equals(new HashSet<>(owner.getACL().forPath(ROOT)))
                            && exists(owner, providerPath(7070)) != null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void noCredentialsLeavesNodesOpenAndSaysSoOnceNamingTheProperties() throws Exception {
        try (LogCapture log = LogCapture.of(ZooKeeperRegistry.class); Registry registry = Registries.create(config())) {
            registry.register(provider(7070));
            assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, raw(null).getACL().forPath(PROVIDERS));
            List<String> warnings = log.messages(Level.WARN).stream().filter(m -> m.contains("open ACLs")).toList();
            assertEquals(1, warnings.size(), "one start-up line: " + log.messages(Level.WARN));
            assertTrue(warnings.get(0).contains("rpc.registry.username") && warnings.get(0).contains("rpc.registry.password"), warnings.get(0));
        }
    }

    @Test
    void thePasswordIsNeverLogged() throws Exception {
        raw(null).create().creatingParentsIfNeeded().forPath(PROVIDERS); // so that tightening is logged too
        try (LogCapture log = LogCapture.of(ZooKeeperRegistry.class)) {
            try (Registry registry = Registries.create(withCredentials())) {
                registry.register(provider(7070));
                registry.unregister(provider(7070));
            }
            List<String> all = new ArrayList<>();
            for (Level level : List.of(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
                all.addAll(log.messages(level));
            }
            assertTrue(all.stream().anyMatch(m -> m.contains("Tightened") && m.contains(USER)), "tightening is logged: " + all);
            String hash = DigestAuthenticationProvider.generateDigest(USER + ":" + PASSWORD).substring(USER.length() + 1);
            for (String m : all) {
                assertFalse(m.contains(PASSWORD) || m.contains(hash), "secret in log line: " + m);
            }
        }
    }

    @Test
    void credentialsComeInPairsAndThePasswordStaysOutOfToString() {
        RegistryConfig base = RegistryConfig.of("zookeeper://127.0.0.1:2181");
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> base.withCredentials("tern", null));
        assertTrue(noPassword.getMessage().contains("rpc.registry.password") && noPassword.getMessage().contains("rpc.registry.username"),
                noPassword.getMessage());
        IllegalArgumentException emptyPassword = assertThrows(IllegalArgumentException.class, () -> base.withCredentials("tern", ""));
        assertTrue(emptyPassword.getMessage().startsWith("rpc.registry.password is not set"), emptyPassword.getMessage());
        IllegalArgumentException noUser = assertThrows(IllegalArgumentException.class, () -> base.withCredentials(null, "pw"));
        assertTrue(noUser.getMessage().startsWith("rpc.registry.username is not set"), noUser.getMessage());
        IllegalArgumentException colon = assertThrows(IllegalArgumentException.class, () -> base.withCredentials("a:b", "pw"));
        assertTrue(colon.getMessage().contains("':'"), colon.getMessage());

        assertFalse(base.hasCredentials());
        assertFalse(base.withCredentials("", "").hasCredentials(), "empty means none");
        RegistryConfig secured = base.withRootPath("/x").withCredentials("tern", "hunter2").withSessionTimeout(Duration.ofSeconds(9));
        assertTrue(secured.hasCredentials());
        assertEquals("tern", secured.username());
        assertEquals("hunter2", secured.password());
        assertEquals("/x", secured.rootPath(), "with-methods keep every other setting");
        assertEquals(Duration.ofSeconds(9), secured.sessionTimeout());
        assertEquals("hunter2", secured.withConnectTimeout(Duration.ofSeconds(2)).withRetry(Duration.ofMillis(5), 1).password(),
                "with-methods keep the credentials");
        assertFalse(secured.toString().contains("hunter2"), secured.toString());
        assertTrue(secured.toString().contains("username=tern"), secured.toString());
        assertEquals(base, new RegistryConfig(base.address(), base.rootPath(), base.sessionTimeout(), base.connectTimeout(),
                base.retryBaseSleep(), base.retryMaxRetries()), "the constructor without credentials still works");
    }

    private static Stat exists(CuratorFramework c, String path) {
        try {
            return c.checkExists().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
