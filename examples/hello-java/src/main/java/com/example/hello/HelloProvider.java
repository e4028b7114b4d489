package com.example.hello;

import io.tern.rpc.cluster.ServiceExport;
import io.tern.rpc.cluster.TernServer;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ServerConfig;

public class HelloProvider {
    public static void main(String[] args) throws InterruptedException {
        String registry = System.getProperty("rpc.registry.address", "zookeeper://127.0.0.1:2181");
        int port = Integer.getInteger("rpc.server.port", 7070);
        TernServer server = new TernServer(
                ServerConfig.builder().host("127.0.0.1").port(port).build(),  // listen on 127.0.0.1 only
                RegistryConfig.of(registry),
                "127.0.0.1");                                                 // the address consumers are given
        server.export(ServiceExport.of(Hello.class, name -> "Hello, " + name));
        server.closeOnShutdown().start();   // Ctrl-C / SIGTERM: unregister, drain, close
        server.awaitTermination();          // until closed; without it main ends, and so does the JVM
    }
}
