package io.tern.rpc.benchmark.fleet;

import io.tern.rpc.registry.ProviderInfo;

import java.util.Map;

/**
 * Who registers what. Registrations r = 0..R-1 belong to provider processes of {@code perProcess} services each:
 * process i = r / perProcess, at 127.0.0.1:(BASE_PORT + i) (nothing listens there: only the registry is exercised),
 * registering service (r mod services). With one service per process every registration is its own process; with
 * perProcess = services every process exports every service, as an application exporting many interfaces does.
 * The node data carries the registration id and its generation (bumped at every re-registration, as a restarted
 * provider's start timestamp would be), so a consumer can tell a re-registration from the node it replaced.
 */
final class FleetLayout {
    static final int BASE_PORT = 20000;

    final int registrations;
    final int services;
    final int perProcess;

    FleetLayout(int registrations, int services, int perProcess) {
        if (registrations % services != 0 || registrations % perProcess != 0 || perProcess > services) {
            throw new IllegalArgumentException("registrations (" + registrations + ") must be a multiple of services (" + services
                    + ") and of services per provider process (" + perProcess + " <= services)");
        }
        if (BASE_PORT + registrations / perProcess > 65535) {
            throw new IllegalArgumentException("too many provider processes for one host's port range");
        }
        this.registrations = registrations;
        this.services = services;
        this.perProcess = perProcess;
    }

    int processes() {
        return registrations / perProcess;
    }

    static String serviceKey(int service) {
        return String.format("io.tern.fleet.Service%02d", service);
    }

    int serviceOf(int registration) {
        return registration % services;
    }

    int processOf(int registration) {
        return registration / perProcess;
    }

    ProviderInfo info(int registration, int generation, long startedMillis) {
        return new ProviderInfo(serviceKey(serviceOf(registration)), "127.0.0.1", BASE_PORT + processOf(registration), 100, "protostuff",
                startedMillis, "", "", Map.of("fleet.reg", Integer.toString(registration), "fleet.gen", Integer.toString(generation)));
    }

    static int registrationOf(ProviderInfo p) {
        return Integer.parseInt(p.params().get("fleet.reg"));
    }

    static int generationOf(ProviderInfo p) {
        return Integer.parseInt(p.params().get("fleet.gen"));
    }
}
