package com.example.hello;

import io.tern.rpc.spring.RpcReference;
import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

@Component
public class HelloRunner implements CommandLineRunner {
    @RpcReference   // a proxy: each call goes to a provider the registry lists (here, this application)
    private Hello hello;

    @Override
    public void run(String... args) {
        System.out.println(hello.hello("world"));
    }
}
