package io.tern.demo;

import java.math.BigDecimal;

/** What a client asks to order. */
public record OrderRequest(long userId, String item, int quantity, BigDecimal unitPrice) {
}
