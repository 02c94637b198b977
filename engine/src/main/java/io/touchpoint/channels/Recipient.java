package io.touchpoint.channels;

/** Where a channel delivers to a customer (an address, a phone number, a device token), or why it cannot. */
public record Recipient(String address, String problem) {

    static Recipient valid(String address) {
        return new Recipient(address, null);
    }

    static Recipient invalid(String address, String problem) {
        return new Recipient(address, problem);
    }

    public boolean isValid() {
        return problem == null;
    }
}
