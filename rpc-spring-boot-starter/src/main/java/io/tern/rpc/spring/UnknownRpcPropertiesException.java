package io.tern.rpc.spring;

/** Names under {@code rpc.} that no Tern RPC property binds (see {@link UnknownRpcProperties}); the message lists them all. */
public class UnknownRpcPropertiesException extends RpcConfigurationException {
    static final String ACTION = "Correct or remove the properties named above (the README's property table lists every Tern RPC"
            + " property, and IDEs complete rpc.* from the starter's configuration metadata). To start anyway and only log"
            + " unknown properties as a warning, set rpc.fail-on-unknown-properties=false.";

    UnknownRpcPropertiesException(String firstName, String message) {
        super(firstName, message);
    }
}
