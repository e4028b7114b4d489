package io.tern.rpc.registry;

/**
 * Where the registry's nodes live in ZooKeeper (SPEC §3): {@code {root}/{serviceKey}/providers/{host}:{port}}, the
 * root {@code /tern} unless configured otherwise. Every path the registry reads or writes comes from here.
 */
final class ZooKeeperLayout {
    private final String rootPath;

    ZooKeeperLayout(String rootPath) {
        this.rootPath = rootPath;
    }

    String rootPath() {
        return rootPath;
    }

    /** False when the root is ZooKeeper's own "/": then there is no root node of ours to create or protect. */
    boolean hasOwnRoot() {
        return !rootPath.equals("/");
    }

    String servicePath(String serviceKey) {
        return (hasOwnRoot() ? rootPath : "") + "/" + serviceKey;
    }

    String providersPath(String serviceKey) {
        return servicePath(serviceKey) + "/providers";
    }

    String providerPath(ProviderInfo provider) {
        return providersPath(provider.serviceKey()) + "/" + provider.address();
    }

    /** True for the root and the nodes below it: the registry's tree. */
    boolean inTree(String path) {
        return !hasOwnRoot() || path.equals(rootPath) || path.startsWith(rootPath + "/");
    }

    /** The provider node name ({@code host:port}) of {@code path} if it is a direct child of {@code providersPath}, else null. */
    static String providerNodeName(String providersPath, String path) {
        int start = providersPath.length() + 1;
        boolean child = path.length() > start && path.startsWith(providersPath) && path.charAt(start - 1) == '/'
                && path.indexOf('/', start) < 0;
        return child ? path.substring(start) : null;
    }
}
