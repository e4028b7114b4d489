package io.tern.rpc.protocol;

/** Builds service keys: {@code interface[:version][@group]} (SPEC §3). */
public final class ServiceKey {
    private ServiceKey() {
    }

    public static String of(String interfaceName, String version, String group) {
        StringBuilder sb = new StringBuilder(interfaceName);
        if (version != null && !version.isEmpty()) {
            sb.append(':').append(version);
        }
        if (group != null && !group.isEmpty()) {
            sb.append('@').append(group);
        }
        return sb.toString();
    }
}
