package io.tern.rpc.registry;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One provider's EPHEMERAL node, kept by Curator's {@link PersistentNode} (re-created after a session expiry or a
 * deletion by someone else). Closing it one at a time deletes it at once, one synchronous delete each; a provider
 * that withdraws many closes them {@link #closeForBatch for a batch} and {@link #deleteTogether deletes them
 * together}, so that every consumer sees them all go in one step instead of one round trip after another.
 */
final class ProviderNode extends PersistentNode {
    // the registry's logger name: operators' log settings (and the ACL tests) name ZooKeeperRegistry
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);
    /** Deletes per transaction: 1,000 provider paths stay far below ZooKeeper's 1 MiB request limit. */
    static final int MAX_DELETES_PER_TRANSACTION = 1_000;

    private volatile boolean batched;
    private volatile String leftToBatch;

    ProviderNode(CuratorFramework client, String path, byte[] data) {
        super(client, CreateMode.EPHEMERAL, false, path, data);
    }

    /**
     * Stops keeping the node (it is no longer re-created) without deleting it; returns its path for
     * {@link #deleteTogether}, or null if it was never created (a create still on its way is deleted by Curator).
     */
    String closeForBatch() throws IOException {
        batched = true;
        close();
        return leftToBatch;
    }

    @Override
    protected void deleteNode() throws Exception {
        if (batched) {
            leftToBatch = getActualPath();
        } else {
            super.deleteNode();
        }
    }

    /**
     * Deletes the nodes in as few ZooKeeper transactions as there are batches of {@link #MAX_DELETES_PER_TRANSACTION}.
     * A transaction fails as a whole when one node is already gone (or refused): its nodes are then deleted one by one.
     * Returns how many could not be deleted (ZooKeeper removes them when the session ends).
     */
    static int deleteTogether(CuratorFramework client, List<String> paths) {
        int failed = 0;
        for (int from = 0; from < paths.size(); from += MAX_DELETES_PER_TRANSACTION) {
            List<String> batch = paths.subList(from, Math.min(paths.size(), from + MAX_DELETES_PER_TRANSACTION));
            try {
                List<CuratorOp> deletes = new ArrayList<>(batch.size());
                for (String path : batch) {
                    deletes.add(client.transactionOp().delete().forPath(path));
                }
                client.transaction().forOperations(deletes);
            } catch (KeeperException e) {
                log.debug("Deleting {} provider node(s) in one transaction failed ({}); deleting them one by one", batch.size(), e.toString());
                failed += deleteEach(client, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed + paths.size() - from;
            } catch (Exception e) {
                log.warn("Could not delete {} provider node(s) ({}); ZooKeeper removes them when the session ends", batch.size(), e.toString());
                failed += batch.size();
            }
        }
        return failed;
    }

    private static int deleteEach(CuratorFramework client, List<String> paths) {
        int failed = 0;
        for (String path : paths) {
            try {
                client.delete().guaranteed().forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                // already gone (a session expiry took it): nothing to delete
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("Could not delete {} cleanly ({}); ZooKeeper removes it when the session ends", path, e.toString());
                failed++;
            }
        }
        return failed;
    }
}
