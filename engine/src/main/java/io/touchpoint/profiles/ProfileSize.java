package io.touchpoint.profiles;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a profile within its column ({@code customer_profile.profile_json} holds 1,000,000 characters): the next
 * version of a profile is measured before it replaces the current one, and an update that would make it too large
 * is refused naming the field, having changed nothing.
 */
final class ProfileSize {

    /** What identities, attributes and consents may take of the stored document; the rest is left for its structure. */
    static final int MAX_CHARS = 900_000;
    /** Room each attribute takes besides its name and value: quotes, separators and its time stamp. */
    private static final int PER_ATTRIBUTE = 50;

    private ProfileSize() {
    }

    /** Throws {@link ProfileUpdate.InvalidProfileUpdateException} naming {@code field} when the profile is too large to store. */
    static CustomerProfile checked(CustomerProfile next, String field) {
        long chars = 0;
        for (Map.Entry<String, Set<String>> identity : next.identities().entrySet()) {
            chars += escaped(identity.getKey()) + identity.getValue().stream().mapToLong(value -> escaped(value) + 3).sum();
        }
        for (Map.Entry<String, Object> attribute : next.attributes().entrySet()) {
            chars += 2 * escaped(attribute.getKey()) + PER_ATTRIBUTE + valueChars(attribute.getValue());
        }
        for (String consent : next.consents().keySet()) {
            chars += escaped(consent) + 10;
        }
        if (chars > MAX_CHARS) {
            throw new ProfileUpdate.InvalidProfileUpdateException(field,
                    "would make the customer's profile larger than " + MAX_CHARS + " characters of identities, attributes and consents");
        }
        return next;
    }

    private static long valueChars(Object value) {
        if (value instanceof String text) {
            return escaped(text);
        }
        if (value instanceof Collection<?> list) {
            return list.stream().mapToLong(element -> valueChars(element) + 1).sum() + 2;
        }
        return String.valueOf(value).length();
    }

    /** The length of a string in JSON: control characters take six, quotes and backslashes two. */
    private static long escaped(String text) {
        long chars = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            chars += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : 1;
        }
        return chars;
    }
}
