package com.example.quota;

/** An exception type outside the service interface's package, undeclared: rebuilt only where its package is allowed. */
public class QuotaExceededException extends RuntimeException {
    public QuotaExceededException(String message) {
        super(message);
    }
}
