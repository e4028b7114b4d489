package io.tern.rpc.protocol.internal;


/** The message type byte of a frame (SPEC §2). */
public final class MessageType {
    public static final byte REQUEST = 1;
    public static final byte RESPONSE = 2;
    public static final byte PING = 3;
    public static final byte PONG = 4;
    public static final byte GOAWAY = 5;
    /** A client no longer wants the call of this request id (SPEC §2); no body. */
    public static final byte CANCEL = 6;

    private MessageType() {
    }

    public static boolean isKnown(int type) {
        return type >= REQUEST && type <= CANCEL;
    }
}
