package io.tern.rpc.transport;

/**
 * The Netty on the class path is not one Tern RPC runs on: a line other than 4.1 (4.1.100.Final or later) and 4.2, or
 * Netty modules of different versions side by side (which fails later with {@code NoSuchMethodError} deep in a call).
 * Thrown when the first {@link TransportServer} or {@link TransportClient} is made, so an application fails at start-up
 * rather than on its first call.
 */
public final class UnsupportedNettyException extends IllegalStateException {
    private final String found;

    public UnsupportedNettyException(String message, String found) {
        super(message);
        this.found = found;
    }

    /** The Netty modules and versions found, e.g. {@code netty-common 4.0.56.Final, netty-transport 4.0.56.Final}. */
    public String found() {
        return found;
    }
}
