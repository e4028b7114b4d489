package io.tern.rpc.benchmark.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.tern.rpc.benchmark.model.WireSamples;
import io.tern.rpc.protocol.internal.FrameHeader;

import java.util.concurrent.TimeUnit;

/**
 * The ceiling's consumer: one Netty connection, the Tern REQUEST frame of the call (header and body bytes exactly
 * as Tern encodes them) copied into a pooled buffer per call with the slot number as request id, matched on the way
 * back by that id. Writes issued from the read loop are flushed once per read batch. No serialization, dispatch,
 * proxy, futures or timers: what is left is Netty and the kernel.
 */
final class RawNettyLoad implements LoadTarget {
    private final EventLoopGroup group = NettyTransport.group(Runtime.getRuntime().availableProcessors(), "raw-client-io");
    private final Channel channel;
    /** The current run; touched only on the channel's event loop. */
    private Run run;

    private static final class Run {
        final byte[] frame;
        final long[] startNanos;
        final LoopState state;

        Run(byte[] frame, int concurrency, LoopState state) {
            this.frame = frame;
            this.startNanos = new long[concurrency];
            this.state = state;
        }
    }

    RawNettyLoad(int port) {
        channel = new Bootstrap()
                .group(group)
                .channel(NettyTransport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(RawNettyServer.frameDecoder()).addLast(new Handler());
                    }
                })
                .connect("127.0.0.1", port).syncUninterruptibly().channel();
    }

    @Override
    public void start(String call, int concurrency, LoopState state) {
        byte[] frame = WireSamples.requestFrame(call, 0);
        channel.eventLoop().execute(() -> {
            run = new Run(frame, concurrency, state);
            for (int id = 0; id < concurrency; id++) {
                send(run, id);
            }
            channel.flush();
        });
    }

    private void send(Run r, int id) {
        ByteBuf buf = channel.alloc().ioBuffer(r.frame.length);
        buf.writeBytes(r.frame);
        buf.setInt(FrameHeader.OFFSET_REQUEST_ID, id);
        r.startNanos[id] = System.nanoTime();
        channel.write(buf, channel.voidPromise());
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            Run r = run;
            int id = frame.getInt(frame.readerIndex() + FrameHeader.OFFSET_REQUEST_ID);
            boolean ok = frame.readableBytes() == r.frame.length;
            frame.release();
            long now = System.nanoTime();
            if (ok) {
                r.state.record(now - r.startNanos[id]);
            } else {
                r.state.error(new IllegalStateException("echoed frame has the wrong length"));
            }
            if (r.state.running) {
                send(r, id);
            } else {
                r.state.stopped();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("raw netty client: " + cause);
            ctx.close();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
