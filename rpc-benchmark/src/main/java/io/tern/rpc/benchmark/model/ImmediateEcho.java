package io.tern.rpc.benchmark.model;

import java.util.concurrent.CompletableFuture;

/** The provider side of every benchmark: answers each {@link EchoService} call at once with a completed future. */
public final class ImmediateEcho implements EchoService {
    @Override
    public CompletableFuture<String> echo(String s) {
        return CompletableFuture.completedFuture(s);
    }

    @Override
    public CompletableFuture<SmallPojo> echoPojo(SmallPojo p) {
        return CompletableFuture.completedFuture(p);
    }

    @Override
    public CompletableFuture<BlobPojo> echoBlob(BlobPojo p) {
        return CompletableFuture.completedFuture(p);
    }

    @Override
    public CompletableFuture<RowsPojo> echoRows(RowsPojo p) {
        return CompletableFuture.completedFuture(p);
    }
}
