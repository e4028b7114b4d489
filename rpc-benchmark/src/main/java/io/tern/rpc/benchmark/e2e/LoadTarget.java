package io.tern.rpc.benchmark.e2e;

/** The consumer side of one mode: keeps C calls of one kind in flight against its provider process. */
interface LoadTarget extends AutoCloseable {
    /** Issues {@code concurrency} calls of {@code call} ({@code echo} or {@code pojo}); each completion issues the next. */
    void start(String call, int concurrency, LoopState state);

    @Override
    void close();
}
