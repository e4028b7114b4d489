package io.tern.rpc.spring;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Tern RPC setting (a {@code rpc.*} property or an annotation attribute) has a value that cannot work. Thrown at
 * start-up; the message names the setting and what it accepts.
 */
public class RpcConfigurationException extends IllegalArgumentException {
    private static final Pattern PROPERTY = Pattern.compile("rpc\\.[a-z0-9.-]*[a-z0-9]");

    private final String setting;

    public RpcConfigurationException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    public RpcConfigurationException(String setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** Wraps a builder's validation error; prefixes the setting if the message does not name a property already. */
    static RpcConfigurationException of(String setting, IllegalArgumentException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        Matcher m = PROPERTY.matcher(message);
        if (m.find()) {
            return new RpcConfigurationException(m.group(), message, e);
        }
        return new RpcConfigurationException(setting, setting + ": " + message, e);
    }

    /** Runs a builder that validates; an {@link IllegalArgumentException} it throws becomes one naming the setting (see {@link #of}). */
    static <T> T naming(String setting, Supplier<T> build) {
        try {
            return build.get();
        } catch (RpcConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw of(setting, e);
        }
    }

    /** The property (e.g. {@code rpc.consumer.load-balance}) or annotation attribute at fault. */
    public String setting() {
        return setting;
    }
}
