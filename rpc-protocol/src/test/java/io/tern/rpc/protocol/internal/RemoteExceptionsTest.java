package io.tern.rpc.protocol.internal;

import io.tern.rpc.protocol.RpcResponse;

import io.tern.rpc.RemoteException;
import io.tern.rpc.protocol.declared.DeclaredCheckedException;
import io.tern.rpc.protocol.serialize.AllowList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * SPEC §4: a provider's exception is rebuilt on the caller only if it is an Exception (never an Error, never a bare
 * Throwable) that the referenced methods declare, or from {@code java.*}, or from an allowed package; anything else
 * arrives as a {@link RemoteException} with the remote class name and message. A class named by the provider is never
 * initialised unless it passes.
 */
class RemoteExceptionsTest {
    private static final List<String> API_PACKAGES = List.of("io.tern.rpc.protocol.api");
    private static final ClassLoader LOADER = RemoteExceptionsTest.class.getClassLoader();
    /** Referenced by name only: the test must not initialise them itself. */
    private static final String API_ERROR = "io.tern.rpc.protocol.api.ApiError";
    private static final String API_THROWABLE = "io.tern.rpc.protocol.api.ApiThrowable";
    private static final String SNEAKY = "io.tern.rpc.protocol.apix.SneakyException";
    private static final List<String> INIT_FLAGS = List.of("tern.apierror.initialised", "tern.apithrowable.initialised",
            "tern.sneaky.initialised", "tern.evil.initialised");

    interface Referenced {
        void call() throws DeclaredCheckedException;
    }

    @AfterEach
    void noClassNamedByTheProviderWasInitialised() {
        for (String flag : INIT_FLAGS) {
            assertNull(System.getProperty(flag), flag);
        }
    }

    private static List<RpcResponse.RemoteError> chain(String... classesAndMessages) {
        List<RpcResponse.RemoteError> chain = new ArrayList<>();
        for (int i = 0; i < classesAndMessages.length; i += 2) {
            StackTraceElement[] st = {new StackTraceElement("remote.Frame" + i, "run", "Remote.java", 10 + i)};
            chain.add(new RpcResponse.RemoteError(classesAndMessages[i], classesAndMessages[i + 1], st));
        }
        return chain;
    }

    private static Throwable rebuild(AllowList allowList, String... classesAndMessages) {
        return RemoteExceptions.rebuild(chain(classesAndMessages), allowList, LOADER, API_PACKAGES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.OutOfMemoryError", "java.lang.StackOverflowError", "java.lang.Error", "java.lang.Throwable",
            "java.lang.ExceptionInInitializerError", "java.lang.Runtime", "java.lang.String", "java.lang.NoSuchClassAnywhere",
            SNEAKY, API_ERROR, API_THROWABLE, "io.tern.rpc.protocol.serialize.EvilPayload", "com.evil.Nope"})
    void anythingButAnAllowedExceptionArrivesAsRemoteException(String remoteClass) {
        Throwable t = rebuild(new AllowList(), remoteClass, "the provider's message", "java.lang.IllegalArgumentException", "why");
        RemoteException r = assertInstanceOf(RemoteException.class, t, remoteClass);
        assertEquals(remoteClass, r.remoteClassName());
        assertEquals(remoteClass + ": the provider's message", r.getMessage());
        assertEquals("remote.Frame0", r.getStackTrace()[0].getClassName());
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, r.getCause());
        assertEquals("why", cause.getMessage());
    }

    @Test
    void anErrorDeepInTheChainArrivesAsRemoteExceptionToo() {
        Throwable t = rebuild(new AllowList(), "java.lang.IllegalStateException", "outer", "java.lang.OutOfMemoryError", "Java heap space",
                API_ERROR, "inner");
        assertInstanceOf(IllegalStateException.class, t);
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertInstanceOf(Exception.class, c, "the caller sees no Error");
        }
        assertEquals("java.lang.OutOfMemoryError", ((RemoteException) t.getCause()).remoteClassName());
        assertEquals(API_ERROR, ((RemoteException) t.getCause().getCause()).remoteClassName());
    }

    @Test
    void anErrorOrThrowableIsRefusedEvenWhenTheAllowListHoldsIt() {
        // the allow-list of a referenced signature may hold anything: it still must be an Exception
        AllowList allowList = new AllowList();
        allowList.allowClass(AssertionError.class);
        allowList.allowClass(Throwable.class);
        assertInstanceOf(RemoteException.class, rebuild(allowList, AssertionError.class.getName(), "no"));
        assertInstanceOf(RemoteException.class, rebuild(allowList, Throwable.class.getName(), "no"));
    }

    @Test
    void aJdkExceptionIsRebuiltAsItselfWithMessageAndCauseChain() {
        Throwable t = rebuild(new AllowList(), "java.lang.IllegalStateException", "outer", "java.io.IOException", "middle",
                "java.lang.ArithmeticException", "inner");
        assertSame(IllegalStateException.class, t.getClass());
        assertEquals("outer", t.getMessage());
        assertEquals("remote.Frame0", t.getStackTrace()[0].getClassName());
        assertSame(IOException.class, t.getCause().getClass());
        assertEquals("middle", t.getCause().getMessage());
        assertSame(ArithmeticException.class, t.getCause().getCause().getClass()); // (String) constructor, cause attached after
        assertEquals("inner", t.getCause().getCause().getMessage());
        assertNull(t.getCause().getCause().getCause());
    }

    @Test
    void aCheckedExceptionTheReferencedMethodDeclaresIsRebuiltAsItself() throws Exception {
        String declared = DeclaredCheckedException.class.getName();
        // outside every allowed package: without the declaration it is not rebuilt
        assertInstanceOf(RemoteException.class, rebuild(new AllowList(), declared, "nope"));

        AllowList allowList = new AllowList();
        allowList.allowSignature(Referenced.class.getMethod("call"));
        Throwable t = rebuild(allowList, declared, "declared failure", "java.lang.IllegalStateException", "because");
        assertSame(DeclaredCheckedException.class, t.getClass());
        assertEquals("declared failure", t.getMessage());
        assertSame(IllegalStateException.class, t.getCause().getClass());
        assertEquals("because", t.getCause().getMessage());
    }

    @Test
    void anExceptionInAnAllowedPackageIsRebuiltAsItself() {
        Throwable t = rebuild(new AllowList(), "io.tern.rpc.protocol.api.ApiException", "api says no", "java.lang.IllegalStateException", "x");
        assertEquals("io.tern.rpc.protocol.api.ApiException", t.getClass().getName());
        assertEquals("api says no", t.getMessage());
        assertSame(IllegalStateException.class, t.getCause().getClass());
    }
}
