package io.tern.rpc.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One reference as its consumer sees it now (SPEC §4, the {@code rpc} endpoint): its providers and what its fault
 * tolerance has spent. The call and budget figures are those of the service's process-wide retry budget, shared by
 * every reference to the same service key.
 *
 * @param serviceKey       interface[:version][@group]
 * @param settings         cluster, load balancer, retries, backup requests
 * @param providers        listed providers first, then lingering ones
 * @param calls            calls made since start (retries and backups not counted)
 * @param retriesSent      retries sent by this reference
 * @param backupsSent      backup requests sent by this reference
 * @param retryBudgetLevel tokens a retry or backup could take now
 * @param budgetRefusals   retries or backups refused because the budget was spent
 * @param backupRate       backups sent per call
 */
public record ReferenceView(String serviceKey, String settings, List<ProviderView> providers, long calls, long retriesSent,
                            long backupsSent, double retryBudgetLevel, long budgetRefusals, double backupRate) {

    static ReferenceView of(String settings, Directory directory, FaultTolerance faultTolerance) {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        List<ProviderView> providers = new ArrayList<>();
        for (Endpoint e : directory.all()) {
            providers.add(ProviderView.of(e, false, nowNanos, nowMillis));
        }
        for (Endpoint e : directory.lingering()) {
            providers.add(ProviderView.of(e, true, nowNanos, nowMillis));
        }
        RetryBudget budget = faultTolerance.budget();
        long calls = budget.deposits();
        long backups = faultTolerance.backupsSent();
        return new ReferenceView(directory.serviceKey(), settings, List.copyOf(providers), calls, faultTolerance.retriesSent(),
                backups, budget.level(), budget.refusals(), calls == 0 ? 0 : (double) backups / calls);
    }
}
