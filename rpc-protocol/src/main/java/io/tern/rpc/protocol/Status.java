package io.tern.rpc.protocol;

/** Response status codes of the wire protocol (SPEC §2). */
public enum Status {
    OK(0, false),
    APPLICATION_ERROR(1, false),
    SERVICE_NOT_FOUND(2, true),
    METHOD_NOT_FOUND(3, false),
    BAD_REQUEST(4, false),
    SERVER_BUSY(5, true),
    DEADLINE_EXCEEDED(6, true),
    SHUTTING_DOWN(7, true),
    INTERNAL_ERROR(8, false);

    private static final Status[] BY_CODE = values();

    private final byte code;
    private final boolean neverRan;

    Status(int code, boolean neverRan) {
        this.code = (byte) code;
        this.neverRan = neverRan;
    }

    public byte code() {
        return code;
    }

    /** True when a response with this status proves the method did not run, so another provider may be tried. */
    public boolean neverRan() {
        return neverRan;
    }

    /** The status for a wire code, or null when the code is unknown. */
    public static Status ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
