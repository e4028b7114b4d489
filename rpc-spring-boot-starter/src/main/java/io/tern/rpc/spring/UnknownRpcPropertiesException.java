package io.tern.rpc.spring;

/** Names under {@code rpc.} that no Tern RPC property binds (see {@link UnknownRpcProperties}); the message lists them all. */
public class UnknownRpcPropertiesException extends RpcConfigurationException {
    private final int count;

    UnknownRpcPropertiesException(String firstName, String message, int count) {
        super(firstName, message);
        this.count = count;
    }

    /** What to do, for Spring Boot's failure analysis. */
    public String action() {
        return (count == 1 ? "Correct the name or remove the property" : "Correct the names or remove the properties")
                + " (the README's property table lists every Tern RPC property, and IDEs complete rpc.* from the starter's"
                + " configuration metadata). To start anyway and only log unknown properties as a warning, set"
                + " rpc.fail-on-unknown-properties=false.";
    }
}
