package io.touchpoint.events;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The cart an abandoned-cart journey is about, read from the {@code cart_abandoned} event's properties. */
public record Cart(List<Item> items, BigDecimal total) {

    /** One line of the cart. */
    public record Item(String name, int quantity, BigDecimal price) {
    }

    /** Reads {@code properties.items} ([{name, quantity, price}]) and {@code properties.total} (else the sum). */
    @SuppressWarnings("unchecked")
    public static Cart from(Map<String, Object> trigger) {
        Map<String, Object> properties = (Map<String, Object>) trigger.getOrDefault("properties", Map.of());
        List<Map<String, Object>> lines = properties.get("items") instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
        List<Item> items = lines.stream().map(line -> new Item(
                String.valueOf(line.getOrDefault("name", line.getOrDefault("sku", "item"))),
                line.get("quantity") instanceof Number n ? n.intValue() : 1,
                decimal(line.get("price")))).toList();
        BigDecimal total = properties.get("total") != null ? decimal(properties.get("total"))
                : items.stream().map(i -> i.price().multiply(BigDecimal.valueOf(i.quantity()))).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Cart(items, total);
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString());
    }
}
