package io.tern.rpc.spring.testapp;

import io.tern.rpc.spring.RpcReference;

/** A consumer bean with one reference left entirely to the rpc.* properties. */
public class GreetingCaller {
    @RpcReference
    public GreetingService greetings;
}
