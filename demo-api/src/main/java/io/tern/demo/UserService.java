package io.tern.demo;

import io.tern.rpc.Idempotent;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The demo service: user lookups (idempotent reads, one of them asynchronous) and a non-idempotent write. */
public interface UserService {
    /** The user with this id; throws {@link UserNotFoundException} if there is none. */
    @Idempotent
    User getUser(long id) throws UserNotFoundException;

    /** Users whose name starts with the prefix; asynchronous end to end (no thread parked per call). */
    @Idempotent
    CompletableFuture<List<User>> findUsersAsync(String namePrefix);

    /** Places an order. Not idempotent: a call that may have run is never retried. */
    Order placeOrder(OrderRequest request);

    /** The name of the provider that served the call (the demo counts these to show how calls spread). */
    @Idempotent
    String whoAreYou();
}
