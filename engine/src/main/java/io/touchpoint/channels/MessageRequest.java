package io.touchpoint.channels;

import java.util.Map;

import io.touchpoint.profiles.CustomerProfile;

/**
 * What a journey step asks to send: a template on a channel to a customer, once per idempotency key
 * (journey instance + step). {@code category} is {@link CustomerProfile#MARKETING} or {@link CustomerProfile#TRANSACTIONAL}.
 */
public record MessageRequest(String idempotencyKey, String customerId, Channel channel, String template, String category,
                             Map<String, Object> variables) {

    public MessageRequest {
        require(idempotencyKey, "idempotencyKey");
        require(customerId, "customerId");
        require(template, "template");
        if (channel == null) {
            throw new IllegalArgumentException("field 'channel' is required");
        }
        if (!CustomerProfile.MARKETING.equals(category) && !CustomerProfile.TRANSACTIONAL.equals(category)) {
            throw new IllegalArgumentException("field 'category' must be 'marketing' or 'transactional', was '" + category + "'");
        }
        if (idempotencyKey.length() > 300) {
            throw new IllegalArgumentException("field 'idempotencyKey' is longer than 300 characters");
        }
        variables = variables == null ? Map.of() : variables;
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' is required");
        }
    }
}
