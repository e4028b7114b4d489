package com.example.hello;

import io.tern.rpc.spring.RpcService;

@RpcService   // a @Component: exported and registered once the application has started
public class HelloService implements Hello {
    @Override
    public String hello(String name) {
        return "Hello, " + name;
    }
}
