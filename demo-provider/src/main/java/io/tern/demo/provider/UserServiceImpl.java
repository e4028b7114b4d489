package io.tern.demo.provider;

import io.tern.demo.Order;
import io.tern.demo.OrderRequest;
import io.tern.demo.User;
import io.tern.demo.UserNotFoundException;
import io.tern.demo.UserService;
import io.tern.rpc.spring.RpcProviderLifecycle;
import io.tern.rpc.spring.RpcService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo implementation. {@code demo.slow-ratio} of the calls (0 by default) take an extra
 * {@code demo.slow-delay}, to show the consumer's load balancer steering away from a slow provider.
 */
@RpcService
public class UserServiceImpl implements UserService {
    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    private static final Map<Long, User> USERS = Map.of(
            1L, new User(1, "Ada Lovelace", "ada@example.com", EPOCH),
            2L, new User(2, "Alan Turing", "alan@example.com", EPOCH.plusSeconds(86_400)),
            3L, new User(3, "Grace Hopper", "grace@example.com", EPOCH.plusSeconds(2 * 86_400)),
            4L, new User(4, "Barbara Liskov", "barbara@example.com", EPOCH.plusSeconds(3 * 86_400)),
            5L, new User(5, "Edsger Dijkstra", "edsger@example.com", EPOCH.plusSeconds(4 * 86_400)));

    private final String configuredName;
    private final double slowRatio;
    private final Duration slowDelay;
    private final ObjectProvider<RpcProviderLifecycle> provider;
    private final AtomicLong orders = new AtomicLong();

    public UserServiceImpl(@Value("${demo.name:}") String name,
                           @Value("${demo.slow-ratio:0}") double slowRatio,
                           @Value("${demo.slow-delay:200ms}") Duration slowDelay,
                           ObjectProvider<RpcProviderLifecycle> provider) {
        if (slowRatio < 0 || slowRatio > 1) {
            throw new IllegalArgumentException("demo.slow-ratio must be 0..1, was " + slowRatio);
        }
        this.configuredName = name;
        this.slowRatio = slowRatio;
        this.slowDelay = slowDelay;
        this.provider = provider;
    }

    @Override
    public User getUser(long id) {
        pause();
        User user = USERS.get(id);
        if (user == null) {
            throw new UserNotFoundException("no user with id " + id);
        }
        return user;
    }

    @Override
    public CompletableFuture<List<User>> findUsersAsync(String namePrefix) {
        List<User> found = USERS.values().stream()
                .filter(u -> u.name().toLowerCase().startsWith(namePrefix == null ? "" : namePrefix.toLowerCase()))
                .sorted((a, b) -> Long.compare(a.id(), b.id()))
                .toList();
        // asynchronous: no business thread waits out the slow delay
        Executor later = slow() ? CompletableFuture.delayedExecutor(slowDelay.toMillis(), TimeUnit.MILLISECONDS) : Runnable::run;
        return CompletableFuture.supplyAsync(() -> found, later);
    }

    @Override
    public Order placeOrder(OrderRequest request) {
        pause();
        if (request.quantity() <= 0) {
            throw new IllegalArgumentException("quantity must be > 0, was " + request.quantity());
        }
        if (!USERS.containsKey(request.userId())) {
            throw new UserNotFoundException("no user with id " + request.userId());
        }
        BigDecimal total = request.unitPrice().multiply(BigDecimal.valueOf(request.quantity()));
        return new Order("order-" + orders.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8), request.userId(),
                request.item(), request.quantity(), total, Instant.now(), whoAreYouUnpaused());
    }

    @Override
    public String whoAreYou() {
        pause();
        return whoAreYouUnpaused();
    }

    private String whoAreYouUnpaused() {
        if (!configuredName.isBlank()) {
            return configuredName;
        }
        RpcProviderLifecycle p = provider.getIfAvailable();
        return "provider@" + (p == null ? "?" : p.port());
    }

    private boolean slow() {
        return slowRatio > 0 && ThreadLocalRandom.current().nextDouble() < slowRatio;
    }

    private void pause() {
        if (slow()) {
            try {
                Thread.sleep(slowDelay.toMillis()); // the demo's simulated slowness, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
