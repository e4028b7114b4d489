package io.tern.rpc.benchmark.cluster;

/** What the one slow provider of the fleet does; the four others always take the base service time. */
enum Scenario {
    HEALTHY("healthy", "no slow provider"),
    SPIKES("A: 5% +50 ms", "one provider adds 50 ms to 5% of its calls"),
    SLOW3X("B: 3x slower", "one provider takes 3x the base time on every call");

    final String label;
    final String description;

    Scenario(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Service time of one call on the slow provider under this scenario. */
    long slowProviderNanos(long baseNanos, java.util.concurrent.ThreadLocalRandom random) {
        return switch (this) {
            case HEALTHY -> baseNanos;
            case SPIKES -> random.nextDouble() < 0.05 ? baseNanos + 50_000_000L : baseNanos;
            case SLOW3X -> 3 * baseNanos;
        };
    }
}
