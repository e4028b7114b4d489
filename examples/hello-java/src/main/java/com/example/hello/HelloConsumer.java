package com.example.hello;

import io.tern.rpc.cluster.Reference;
import io.tern.rpc.cluster.TernClient;
import io.tern.rpc.registry.RegistryConfig;
import io.tern.rpc.transport.ClientConfig;

public class HelloConsumer {
    public static void main(String[] args) {
        String registry = System.getProperty("rpc.registry.address", "zookeeper://127.0.0.1:2181");
        try (TernClient client = new TernClient(ClientConfig.defaults(), RegistryConfig.of(registry))) {
            Hello hello = client.refer(Reference.to(Hello.class));
            System.out.println(hello.hello("world"));
        }
    }
}
