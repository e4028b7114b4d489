package io.tern.demo;

/** No user has the requested id. Reaches the caller as this same type (it is in the service interface's package). */
public class UserNotFoundException extends RuntimeException {
    public UserNotFoundException(String message) {
        super(message);
    }
}
