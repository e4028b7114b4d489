package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.RpcResponse;

import io.tern.rpc.RemoteException;
import io.tern.rpc.protocol.serialize.AllowList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Rebuilds a provider's exception on the caller (SPEC §4). A remote class is rebuilt as itself only if it is an
 * {@link Exception} (never an {@link Error}, never a bare {@link Throwable}) and it is on the allow-list (declared by
 * the referenced methods or reachable from their signatures), or a JDK exception ({@code java.*}, loaded through
 * the platform class loader, which can load nothing else), or lies in one of the allowed packages (the service
 * interface's and {@code rpc.consumer.exception-packages}). A class is looked up without being initialised and
 * checked before anything could initialise it: only a class that passes is ever instantiated. Anything else
 * arrives as a {@link RemoteException} carrying the remote class name and message.
 */
public final class RemoteExceptions {
    private static final Logger log = LoggerFactory.getLogger(RemoteExceptions.class);

    private RemoteExceptions() {
    }

    public static Throwable rebuild(List<RpcResponse.RemoteError> chain, AllowList allowList, ClassLoader apiLoader,
                                    List<String> allowedPackages) {
        return rebuild(chain, 0, allowList, apiLoader, allowedPackages);
    }

    private static Throwable rebuild(List<RpcResponse.RemoteError> chain, int index, AllowList allowList, ClassLoader apiLoader,
                                     List<String> allowedPackages) {
        if (index >= chain.size()) {
            return null;
        }
        RpcResponse.RemoteError e = chain.get(index);
        Throwable cause = rebuild(chain, index + 1, allowList, apiLoader, allowedPackages);
        Throwable t = instantiate(resolve(e.className(), allowList, apiLoader, allowedPackages), e.message(), cause);
        if (t == null) {
            t = new RemoteException(String.valueOf(e.className()), e.message(), cause);
        }
        t.setStackTrace(e.stackTrace());
        return t;
    }

    /** The class to rebuild for a remote class name, or null when it must arrive as a RemoteException. */
    private static Class<? extends Exception> resolve(String name, AllowList allowList, ClassLoader apiLoader, List<String> allowedPackages) {
        if (name == null) {
            return null;
        }
        Class<?> c = allowList.lookup(name); // already loaded by the application itself
        try {
            if (c == null && name.startsWith("java.")) {
                c = Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            }
            if (c == null && inPackages(name, allowedPackages)) {
                c = Class.forName(name, false, apiLoader); // loaded, not initialised
            }
        } catch (ClassNotFoundException | LinkageError ex) {
            log.debug("remote exception type {} is not available here", name);
            return null;
        }
        // checked on the uninitialised class: an Error or a bare Throwable is never instantiated, so never initialised
        if (c == null || !Exception.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) {
            return null;
        }
        return c.asSubclass(Exception.class);
    }

    private static boolean inPackages(String name, List<String> packages) {
        for (String p : packages) {
            if (name.startsWith(p) && name.length() > p.length() && name.charAt(p.length()) == '.') {
                return true;
            }
        }
        return false;
    }

    private static Throwable instantiate(Class<? extends Exception> c, String message, Throwable cause) {
        if (c == null) {
            return null;
        }
        try {
            try {
                Constructor<? extends Exception> k = c.getConstructor(String.class, Throwable.class);
                return k.newInstance(message, cause);
            } catch (NoSuchMethodException ignored) {
                // fall through to the (String) constructor
            }
            try {
                return withCause(c.getConstructor(String.class).newInstance(message), cause);
            } catch (NoSuchMethodException ignored) {
                // fall through to the no-arg constructor
            }
            return withCause(c.getConstructor().newInstance(), cause);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
            log.debug("cannot instantiate remote exception type {}: {}", c.getName(), ex.toString());
            return null;
        }
    }

    private static Throwable withCause(Throwable t, Throwable cause) {
        if (cause != null && t.getCause() == null) {
            try {
                t.initCause(cause);
            } catch (IllegalStateException ex) {
                log.debug("exception {} refuses a cause", t.getClass().getName());
            }
        }
        return t;
    }
}
