package io.tern.rpc.registry;

/**
 * Where provider addresses live. Providers register once their server is ready and unregister first on
 * shutdown; consumers subscribe to a service key and receive the whole current provider list on every change.
 */
public interface Registry extends AutoCloseable {

    /** Publishes a provider; kept (re-created after session loss) until {@link #unregister} or close. */
    void register(ProviderInfo provider);

    void unregister(ProviderInfo provider);

    /**
     * Withdraws several providers at once, as a provider that exports many services does when it stops: consumers
     * should see them all go together, not one by one as each unregister returns. By default one at a time; a
     * failure to withdraw one does not keep the others (the first failure is thrown once all were tried).
     */
    default void unregisterAll(java.util.Collection<ProviderInfo> providers) {
        RuntimeException first = null;
        for (ProviderInfo provider : providers) {
            try {
                unregister(provider);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Delivers the full provider list now (once known) and after every change. */
    Subscription subscribe(String serviceKey, ProviderListener listener);

    /** Where this registry looks for a service's providers, for error messages. */
    String describe(String serviceKey);

    /**
     * The session's state, for health checks: never blocks and never talks to the registry. A registry that is not
     * connected keeps serving the last lists to its subscribers. By default {@link RegistryStatus.State#UNKNOWN}.
     */
    default RegistryStatus status() {
        return new RegistryStatus(RegistryStatus.State.UNKNOWN, java.time.Instant.EPOCH, getClass().getName() + " does not report its state");
    }

    @Override
    void close();

    /** Receives complete provider lists. Called from a registry thread; must not block. */
    @FunctionalInterface
    interface ProviderListener {
        void onProviders(java.util.List<ProviderInfo> providers);
    }

    /** An active subscription; closing it stops notifications. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
