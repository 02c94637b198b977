package io.touchpoint.decisions;

import java.math.BigDecimal;

/** The facts the offer rules decide on: the customer's cart and whether they accept marketing email. */
public record OfferRequest(String customerId, BigDecimal cartTotal, boolean emailConsent) {
}
