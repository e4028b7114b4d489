package com.example.hello;

public interface Hello {
    String hello(String name);
}
