package io.tern.rpc.transport.internal;

/**
 * A class no exported signature uses. Tests only ever name it on the wire: if a server initialised it because a
 * peer named it, the system property below would be set.
 */
public final class EvilInit {
    public static final String PROPERTY = "tern.transport.evil";

    static {
        System.setProperty("tern.transport.evil", "true");
    }

    public int value;
}
