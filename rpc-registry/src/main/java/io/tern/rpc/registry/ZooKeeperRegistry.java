package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.nodes.PersistentNode;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Provider addresses in ZooKeeper through Curator (SPEC §3): one EPHEMERAL node per provider at
 * {@code {root}/{serviceKey}/providers/{host}:{port}}. Provider nodes are Curator {@link PersistentNode}s, so they
 * come back by themselves after a session expiry; consumers watch with {@link CuratorCache}, which keeps its data
 * through a connection outage and resynchronises after it.
 *
 * <p>An empty list is never delivered while the connection is down or shortly after it came back (providers are
 * still re-registering then): an outage must not wipe a consumer's provider list.
 *
 * <p>With digest credentials ({@link RegistryConfig#withCredentials}), the client authenticates as that user and every
 * node of the registry tree (root, service, {@code providers} and provider nodes) carries the ACL "this user: all,
 * anyone: read", so consumers read without credentials but only holders of the credentials can register. Existing
 * open nodes are tightened at registration; a node that stays writable by anyone fails the registration.
 *
 * <p>The work is done by its parts: {@link ZooKeeperSession} (the Curator client and its states),
 * {@link ProviderRegistrations} (provider nodes, with {@link TreeAclCheck} for the ACLs), {@link ProviderSubscriptions}
 * (the watches) and {@link ZooKeeperLayout} (the paths). All of them log under this class's name.
 */
public final class ZooKeeperRegistry implements Registry {
    private final RegistryAddress address;
    private final ZooKeeperLayout layout;
    private final ZooKeeperSession session;
    /** One thread for the follow-ups that must not run on Curator's event thread: deferred ACL checks, withheld lists. */
    private final ScheduledExecutorService recheck = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tern-registry-recheck");
        t.setDaemon(true);
        return t;
    });
    private final ProviderRegistrations registrations;
    private final ProviderSubscriptions subscriptions;

    public ZooKeeperRegistry(RegistryAddress address, RegistryConfig config) {
        this.address = address;
        this.layout = new ZooKeeperLayout(config.rootPath());
        TreeAcl treeAcl = config.hasCredentials() ? TreeAcl.forCredentials(config.username(), config.password()) : null;
        this.session = new ZooKeeperSession(address, config, layout, treeAcl);
        this.registrations = new ProviderRegistrations(session, address, config, layout, treeAcl, recheck);
        this.subscriptions = new ProviderSubscriptions(session, layout, recheck);
        try {
            session.connect(registrations::connected, subscriptions::restartAll);
        } catch (RuntimeException e) {
            recheck.shutdownNow(); // no registry to follow up for: do not leave its thread behind
            throw e;
        }
    }

    /** Never blocks: the state Curator last reported. */
    @Override
    public RegistryStatus status() {
        return session.status();
    }

    /** The Curator client, for operations tooling and for tests that inject a session expiry. */
    public CuratorFramework curator() {
        return session.client();
    }

    /**
     * Publishes the provider. While ZooKeeper answers, the parents and the provider node are created (and, with
     * credentials, their ACLs checked) before this returns, so a refusal fails here with a {@link RegistryException};
     * while it does not, the node is created once it does.
     */
    @Override
    public void register(ProviderInfo provider) {
        registrations.register(provider);
    }

    @Override
    public void unregister(ProviderInfo provider) {
        registrations.unregister(provider);
    }

    /** In one ZooKeeper transaction (up to 1,000 nodes each): consumers see every one of them go at once. */
    @Override
    public void unregisterAll(Collection<ProviderInfo> providers) {
        registrations.unregisterAll(providers);
    }

    @Override
    public Subscription subscribe(String serviceKey, ProviderListener listener) {
        return subscriptions.subscribe(serviceKey, listener);
    }

    @Override
    public String describe(String serviceKey) {
        return address + " at " + layout.providersPath(serviceKey);
    }

    @Override
    public void close() {
        registrations.close();
        recheck.shutdownNow();
        session.close();
    }
}
