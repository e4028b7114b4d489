package io.tern.rpc.protocol.serialize;

/**
 * A class a hostile peer names on the wire. Tests refer to it only by its name: initialising it sets a system
 * property, which the tests assert never happens.
 */
public class EvilPayload {
    public static final String INITIALISED = "tern.evil.initialised";

    static {
        System.setProperty(INITIALISED, "true");
    }

    private String text;
    private int number;

    public EvilPayload() {
    }
}
