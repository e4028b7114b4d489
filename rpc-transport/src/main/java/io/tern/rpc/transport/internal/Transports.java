package io.tern.rpc.transport.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll where the platform has it, NIO otherwise ({@code -Dtern.transport.nio=true} forces NIO). */
public final class Transports {
    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("tern.transport.nio");

    private Transports() {
    }

    /** An event loop group whose threads are marked as {@link IoThreads}: nothing may block on them. */
    static EventLoopGroup group(int threads, String name, IoThreads.Role role) {
        java.util.concurrent.ThreadFactory factory = IoThreads.factory(name, role);
        return EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
