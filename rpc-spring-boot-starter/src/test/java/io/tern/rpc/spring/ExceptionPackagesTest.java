package io.tern.rpc.spring;

import io.tern.rpc.RemoteException;
import io.tern.rpc.spring.testapp.GreetingApps;
import com.example.quota.QuotaExceededException;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rpc.consumer.exception-packages (SPEC §4): a provider's exception of an undeclared type from another package is
 * rebuilt as that type only where its package is allowed; otherwise it arrives as RemoteException naming it.
 */
class ExceptionPackagesTest {
    public interface Quota {
        String spend(int units);
    }

    @RpcService
    public static class QuotaImpl implements Quota {
        @Override
        public String spend(int units) {
            throw new QuotaExceededException("over quota by " + units);
        }
    }

    /** What a consumer with these properties catches from one call. */
    private static RuntimeException failureOfACall(String... consumerProperties) {
        try (ConfigurableApplicationContext provider = Apps.run(Apps.starterWith(QuotaImpl.class), Apps.directProvider("quota"))) {
            int port = provider.getBean(RpcProviderLifecycle.class).port();
            try (ConfigurableApplicationContext consumer = Apps.run(GreetingApps.Starter.class, Apps.directConsumer(port, consumerProperties))) {
                Quota quota = consumer.getBean(RpcReferences.class).get(Quota.class);
                return assertThrows(RuntimeException.class, () -> quota.spend(3));
            }
        }
    }

    @Test
    void anAllowedPackagesExceptionArrivesAsItsOwnType() {
        RuntimeException e = failureOfACall("rpc.consumer.exception-packages=com.example.unused,com.example.quota");
        assertEquals(QuotaExceededException.class, e.getClass());
        assertEquals("over quota by 3", e.getMessage());
    }

    @Test
    void withoutTheSettingItArrivesAsRemoteExceptionNamingTheType() {
        RemoteException e = (RemoteException) failureOfACall();
        assertTrue(e.getMessage().contains(QuotaExceededException.class.getName()), e.getMessage());
    }

    @Test
    void aValueThatIsNotAPackageNameFailsStartUpNamingTheProperty() {
        Exception e = assertThrows(Exception.class, () -> Apps.run(GreetingApps.Starter.class,
                Apps.directConsumer(1, "rpc.consumer.exception-packages=com.acme/errors")).close());
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(String.valueOf(root.getMessage()).contains("'com.acme/errors' is not a package name (rpc.consumer.exception-packages)"),
                String.valueOf(root.getMessage()));
    }
}
