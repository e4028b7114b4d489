package io.tern.rpc.testsupport;

/** A service with a recursive argument type, for deep-nesting attacks. */
public interface Tree {
    int depth(Node node);

    /** A linked node: its nesting is only bounded by what the peer sends. */
    final class Node {
        public Node next;
        public int value;
    }

    /** Counts the depth of a chain. */
    class Impl implements Tree {
        @Override
        public int depth(Node node) {
            int d = 0;
            for (Node n = node; n != null; n = n.next) {
                d++;
            }
            return d;
        }
    }
}
