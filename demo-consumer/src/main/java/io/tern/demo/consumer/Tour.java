package io.tern.demo.consumer;

import io.tern.demo.Order;
import io.tern.demo.OrderRequest;
import io.tern.demo.User;
import io.tern.demo.UserNotFoundException;
import io.tern.demo.UserService;
import io.tern.rpc.cluster.ProviderView;
import io.tern.rpc.cluster.ReferenceView;
import io.tern.rpc.spring.RpcEndpoint;
import io.tern.rpc.spring.RpcReference;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The tour: a few sample calls (sync, async, a write, a remote exception), then {@code demo.threads} threads calling
 * {@code whoAreYou()} steadily, with one status line per second (calls per second, failures, share per provider).
 *
 * <p>The load is split into phases. Alone, the tour is one phase of {@code demo.duration}. With
 * {@code demo.control-file} set (as {@code demo.sh} does), the file's content names the current phase: when it
 * changes, the tour prints a {@code RESULT} line for the phase that ended (calls, failures, p50/p99, calls served per
 * provider) and starts the next; {@code stop} ends the tour.
 */
@Component
class Tour implements ApplicationRunner {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @RpcReference
    private UserService users;

    private final int threads;
    private final Duration pause;
    private final Duration duration;
    private final String controlFile;
    private final String viewAfter;
    private final ObjectProvider<RpcEndpoint> endpoint;

    private final AtomicReference<TourStats> window = new AtomicReference<>(new TourStats());
    private final AtomicReference<TourStats> phase = new AtomicReference<>(new TourStats());
    private volatile boolean running = true;

    Tour(@Value("${demo.threads:4}") int threads, @Value("${demo.pause:5ms}") Duration pause,
         @Value("${demo.duration:20s}") Duration duration, @Value("${demo.control-file:}") String controlFile,
         @Value("${demo.view-after:spread}") String viewAfter, ObjectProvider<RpcEndpoint> endpoint) {
        this.threads = threads;
        this.pause = pause;
        this.duration = duration;
        this.controlFile = controlFile;
        this.viewAfter = viewAfter;
        this.endpoint = endpoint;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        samples();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::callLoop, "tour-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        String current = controlFile.isBlank() ? "tour" : readControl("start");
        say("== phase " + current + " ==");
        long end = System.nanoTime() + duration.toNanos();
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the reporting tick
            String next = controlFile.isBlank() ? (System.nanoTime() - end > 0 ? "stop" : current) : readControl(current);
            if (System.nanoTime() - nextReport >= 0) {
                nextReport += TimeUnit.SECONDS.toNanos(1);
                TourStats w = window.getAndSet(new TourStats());
                say(String.format(Locale.ROOT, "%s  %-8s %5d calls/s  %3d failed %s", LocalTime.now().format(TIME), current,
                        Math.round(w.okCount() / Math.max(0.001, w.seconds())), w.failedCount(), w.servedBy(false)));
            }
            if (!next.equals(current)) {
                result(current, phase.getAndSet(new TourStats()));
                if (current.equals(viewAfter)) {
                    printView();
                }
                if (next.equals("stop")) {
                    break;
                }
                current = next;
                say("== phase " + current + " ==");
            }
        }
        running = false;
        for (Thread t : workers) {
            t.join(10_000);
        }
        say("tour finished");
    }

    private void samples() throws Exception {
        User ada = users.getUser(1);
        say("getUser(1)                 -> " + ada);
        List<User> as = users.findUsersAsync("a").get(5, TimeUnit.SECONDS);
        say("findUsersAsync(\"a\") (async) -> " + as.size() + " users: " + as.stream().map(User::name).toList());
        Order order = users.placeOrder(new OrderRequest(1, "notebook", 3, new BigDecimal("2.50")));
        say("placeOrder(3 x 2.50)       -> " + order.orderId() + " total " + order.total() + " served by " + order.servedBy());
        try {
            users.getUser(404);
            say("getUser(404) returned?! expected UserNotFoundException");
        } catch (UserNotFoundException e) {
            say("getUser(404)               -> threw " + e.getClass().getName() + ": " + e.getMessage() + " (the provider's exception type)");
        }
    }

    private void callLoop() {
        while (running) {
            long start = System.nanoTime();
            try {
                String who = users.whoAreYou();
                long nanos = System.nanoTime() - start;
                window.get().ok(who, nanos);
                phase.get().ok(who, nanos);
            } catch (RuntimeException e) {
                window.get().failed(e);
                phase.get().failed(e);
            }
            LockSupport.parkNanos(pause.toNanos()); // pacing the load
        }
    }

    private void result(String name, TourStats s) {
        say(String.format(Locale.ROOT, "RESULT phase=%s calls=%d failed=%d p50=%.1fms p99=%.1fms served:%s", name, s.okCount() + s.failedCount(),
                s.failedCount(), s.percentileMillis(50), s.percentileMillis(99), s.servedBy(true)));
        for (String f : s.failures()) {
            say("  failure: " + f);
        }
    }

    /** What the rpc Actuator endpoint ({@code GET /actuator/rpc}) shows for this consumer's references, one line per provider. */
    private void printView() {
        RpcEndpoint rpc = endpoint.getIfAvailable();
        if (rpc == null) {
            return;
        }
        for (ReferenceView r : rpc.view().references()) {
            long total = Math.max(1, r.providers().stream().mapToLong(ProviderView::sent).sum());
            say("VIEW " + r.serviceKey() + " (" + r.settings() + "): calls " + r.calls() + ", retries " + r.retriesSent()
                    + ", retry budget " + String.format(Locale.ROOT, "%.1f", r.retryBudgetLevel()) + " tokens");
            for (ProviderView p : r.providers()) {
                say(String.format(Locale.ROOT, "VIEW   %-16s %-10s share %5.1f %%  EWMA %7.2f ms  in flight %d  weight %d", p.address(), p.state(),
                        100.0 * p.sent() / total, p.ewmaMillis(), p.inFlight(), p.weight()));
            }
        }
    }

    private String readControl(String fallback) {
        try {
            Path p = Path.of(controlFile);
            if (!Files.exists(p)) {
                return fallback;
            }
            String s = Files.readString(p).trim();
            return s.isEmpty() ? fallback : s;
        } catch (IOException e) {
            return fallback;
        }
    }

    private static void say(String line) {
        System.out.println("[tour] " + line);
        System.out.flush();
    }
}
