package io.touchpoint.decisions;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The event that started or moved the journey: its type, properties and, for carts, the cart total. */
public final class TriggerEvent {

    private final String type;
    private final Map<String, Object> properties;
    private final BigDecimal cartTotal;

    /** Reads the event as journeys hold it: {@code {"type": ..., "properties": {...}}}; null means no event. */
    @SuppressWarnings("unchecked")
    public static TriggerEvent from(Map<String, Object> event) {
        if (event == null) {
            return new TriggerEvent(null, Map.of());
        }
        Object properties = event.get("properties");
        return new TriggerEvent((String) event.get("type"), properties instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of());
    }

    public TriggerEvent(String type, Map<String, Object> properties) {
        this.type = type;
        this.properties = properties == null ? Map.of() : properties;
        this.cartTotal = total(this.properties);
    }

    public String getType() {
        return type;
    }

    public Map<String, Object> getProperties() {
        return properties;
    }

    /** properties.total, else the sum of properties.items; zero without a cart. */
    public BigDecimal getCartTotal() {
        return cartTotal;
    }

    private static BigDecimal total(Map<String, Object> properties) {
        try {
            if (properties.get("total") != null) {
                return decimal(properties.get("total"));
            }
            List<?> items = properties.get("items") instanceof List<?> list ? list : List.of();
            BigDecimal sum = BigDecimal.ZERO;
            for (Object item : items) {
                Map<?, ?> line = (Map<?, ?>) item;
                Object quantity = line.get("quantity");
                sum = sum.add(decimal(line.get("price")).multiply(quantity instanceof Number n ? BigDecimal.valueOf(n.intValue()) : BigDecimal.ONE));
            }
            return sum;
        } catch (NumberFormatException | ClassCastException e) {
            throw new UnusableFactException("event.properties.total", "the cart total or an item price is not a number");
        }
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString());
    }
}
