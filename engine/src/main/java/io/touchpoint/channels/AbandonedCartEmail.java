package io.touchpoint.channels;

import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.touchpoint.events.Cart;
import io.touchpoint.profiles.CustomerProfile;

/** The abandoned-cart reminder: template {@code abandoned-cart-reminder} with the cart's items and the offer the rules chose. */
public final class AbandonedCartEmail {

    public static final String TEMPLATE = "abandoned-cart-reminder";

    private AbandonedCartEmail() {
    }

    public static MessageRequest request(String idempotencyKey, String customerId, Cart cart, String offerCode, String offerText) {
        List<Map<String, Object>> items = cart.items().stream().map(item -> Map.<String, Object>of(
                "name", item.name(),
                "quantity", item.quantity(),
                "price", item.price().setScale(2, RoundingMode.HALF_UP).toPlainString())).toList();
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("code", offerCode == null ? "" : offerCode);
        offer.put("text", offerText == null ? "" : offerText);
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("items", items);
        variables.put("total", cart.total().setScale(2, RoundingMode.HALF_UP).toPlainString());
        variables.put("offer", offer);
        return new MessageRequest(idempotencyKey, customerId, Channel.EMAIL, TEMPLATE, CustomerProfile.MARKETING, variables);
    }
}
