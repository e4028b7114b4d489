package io.tern.rpc.transport.internal;

import io.tern.rpc.transport.ExportedService;
import io.tern.rpc.transport.ServerInvoker;

/**
 * Where a request goes: an exported method and its filter chain, built once at export (see {@link ExportTable}).
 * {@code service} is the exported entry it was built for, so a route cached by a connection is known stale once
 * that key is unexported or exported again.
 */
record Route(String serviceKey, ExportedService service, ServerMethods.ServerMethod method, ServerInvoker chain) {
    boolean direct() {
        return service.mode() == ExportedService.ExecutionMode.DIRECT;
    }
}
