package io.tern.rpc.benchmark.model;

import java.util.concurrent.CompletableFuture;

/**
 * The service the end-to-end benchmark calls. Async on both sides: the consumer's closed loop issues the next call
 * from the completion callback (on the client I/O thread); the provider answers with a completed future.
 */
public interface EchoService {
    CompletableFuture<String> echo(String s);

    CompletableFuture<SmallPojo> echoPojo(SmallPojo p);

    /** The byte-array payload of the size calls ({@code bytes-<size>}). */
    CompletableFuture<BlobPojo> echoBlob(BlobPojo p);

    /** The many-fields payload of the size calls ({@code rows-<size>}). */
    CompletableFuture<RowsPojo> echoRows(RowsPojo p);
}
