package io.tern.rpc.spring;

/**
 * The per-reference settings of {@link RpcReference}, for references made in code through
 * {@link RpcReferences#get(Class, ReferenceSettings)}. Empty strings and {@code retries = -1} mean "use the
 * {@code rpc.*} property".
 *
 * <pre>{@code
 * @Bean
 * OrderFacade orderFacade(RpcReferences references) {
 *     return new OrderFacade(references.get(UserService.class, ReferenceSettings.defaults().timeout("500ms").version("2.0")));
 * }
 * }</pre>
 */
public record ReferenceSettings(String version, String group, String timeout, String loadBalance, String cluster, int retries,
                                String backupRequest, String serialization, String compression, boolean idempotent) {
    private static final ReferenceSettings DEFAULTS = new ReferenceSettings("", "", "", "", "", -1, "", "", "", false);

    public ReferenceSettings {
        version = nullToEmpty(version);
        group = nullToEmpty(group);
        timeout = nullToEmpty(timeout);
        loadBalance = nullToEmpty(loadBalance);
        cluster = nullToEmpty(cluster);
        backupRequest = nullToEmpty(backupRequest);
        serialization = nullToEmpty(serialization);
        compression = nullToEmpty(compression);
    }

    /** Everything from the {@code rpc.*} properties. */
    public static ReferenceSettings defaults() {
        return DEFAULTS;
    }

    public static ReferenceSettings of(RpcReference a) {
        return new ReferenceSettings(a.version(), a.group(), a.timeout(), a.loadBalance(), a.cluster(), a.retries(),
                a.backupRequest(), a.serialization(), a.compression(), a.idempotent());
    }

    public ReferenceSettings version(String v) {
        return new ReferenceSettings(v, group, timeout, loadBalance, cluster, retries, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings group(String g) {
        return new ReferenceSettings(version, g, timeout, loadBalance, cluster, retries, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings timeout(String t) {
        return new ReferenceSettings(version, group, t, loadBalance, cluster, retries, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings loadBalance(String lb) {
        return new ReferenceSettings(version, group, timeout, lb, cluster, retries, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings cluster(String c) {
        return new ReferenceSettings(version, group, timeout, loadBalance, c, retries, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings retries(int r) {
        return new ReferenceSettings(version, group, timeout, loadBalance, cluster, r, backupRequest, serialization, compression, idempotent);
    }

    public ReferenceSettings backupRequest(String b) {
        return new ReferenceSettings(version, group, timeout, loadBalance, cluster, retries, b, serialization, compression, idempotent);
    }

    public ReferenceSettings serialization(String s) {
        return new ReferenceSettings(version, group, timeout, loadBalance, cluster, retries, backupRequest, s, compression, idempotent);
    }

    public ReferenceSettings compression(String c) {
        return new ReferenceSettings(version, group, timeout, loadBalance, cluster, retries, backupRequest, serialization, c, idempotent);
    }

    public ReferenceSettings idempotent(boolean all) {
        return new ReferenceSettings(version, group, timeout, loadBalance, cluster, retries, backupRequest, serialization, compression, all);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s.trim();
    }
}
