package io.touchpoint.channels;

import java.math.RoundingMode;
import java.util.stream.Collectors;

import io.touchpoint.events.Cart;

/** The abandoned-cart reminder: what is still in the cart and the offer the rules chose. */
public final class AbandonedCartEmail {

    public static final String TEMPLATE = "abandoned-cart-reminder";
    public static final String SUBJECT = "You left something in your cart";

    private AbandonedCartEmail() {
    }

    public static OutgoingEmail compose(String idempotencyKey, String customerId, String to, Cart cart, String offerText) {
        String items = cart.items().isEmpty() ? "  (your items)"
                : cart.items().stream().map(i -> "  - " + i.name() + " x " + i.quantity() + " at " + i.price().setScale(2, RoundingMode.HALF_UP)).collect(Collectors.joining("\n"));
        String text = "Hello,\n\nyou left these items in your cart:\n" + items + "\n\n"
                + "Complete your order now and get " + offerText + ".\n\nSee you soon!\n";
        return new OutgoingEmail(idempotencyKey, customerId, TEMPLATE, to, SUBJECT, text);
    }
}
