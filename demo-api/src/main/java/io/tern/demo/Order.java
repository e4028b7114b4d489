package io.tern.demo;

import java.math.BigDecimal;
import java.time.Instant;

/** A placed order, as the provider recorded it. */
public record Order(String orderId, long userId, String item, int quantity, BigDecimal total, Instant placedAt, String servedBy) {
}
