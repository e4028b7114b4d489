package io.tern.rpc.protocol;

import io.tern.rpc.RemoteException;
import io.tern.rpc.protocol.serialize.AllowList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.util.List;

/**
 * Rebuilds a provider's exception on the caller. A remote class name is used only if it is on the allow-list
 * (declared by the referenced methods or reachable from their signatures), is a JDK exception (loaded through
 * the platform class loader, which can load nothing else), or lies in one of the allowed packages (by default the
 * service interface's package). Anything else arrives as a {@link RemoteException} naming the remote type.
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

    private static Class<?> resolve(String name, AllowList allowList, ClassLoader apiLoader, List<String> allowedPackages) {
        if (name == null) {
            return null;
        }
        Class<?> c = allowList.lookup(name);
        try {
            if (c == null && name.startsWith("java.")) {
                c = Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            }
            if (c == null && inPackages(name, allowedPackages)) {
                c = Class.forName(name, false, apiLoader);
            }
        } catch (ClassNotFoundException | LinkageError ex) {
            log.debug("remote exception type {} is not available here", name);
            return null;
        }
        return c != null && Throwable.class.isAssignableFrom(c) ? c : null;
    }

    private static boolean inPackages(String name, List<String> packages) {
        for (String p : packages) {
            if (name.startsWith(p) && name.length() > p.length() && name.charAt(p.length()) == '.') {
                return true;
            }
        }
        return false;
    }

    private static Throwable instantiate(Class<?> c, String message, Throwable cause) {
        if (c == null) {
            return null;
        }
        try {
            try {
                Constructor<?> k = c.getConstructor(String.class, Throwable.class);
                return (Throwable) k.newInstance(message, cause);
            } catch (NoSuchMethodException ignored) {
                // fall through to the (String) constructor
            }
            try {
                Throwable t = (Throwable) c.getConstructor(String.class).newInstance(message);
                return withCause(t, cause);
            } catch (NoSuchMethodException ignored) {
                // fall through to the no-arg constructor
            }
            Throwable t = (Throwable) c.getConstructor().newInstance();
            return withCause(t, cause);
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
