package io.tern.demo;

import java.time.Instant;

/** A user. Records travel as their components; java.time values are supported by both codecs. */
public record User(long id, String name, String email, Instant createdAt) {
}
