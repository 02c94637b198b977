package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the log keeps of a provider's reason: no recipient's address or phone number (no server needed). */
class ProviderReasonsTest {

    @Test
    void aReasonThatNamesTheRecipientIsLoggedWithoutTheAddress() {
        assertThat(MessageService.withoutAddresses("550 5.1.1 <ada.lovelace@example.com>: Recipient address rejected"))
                .isEqualTo("550 5.1.1 <<address>>: Recipient address rejected");
        assertThat(MessageService.withoutAddresses("The 'To' number +44 20 7946 0958 is not a valid phone number"))
                .isEqualTo("The 'To' number <address> is not a valid phone number");
    }

    @Test
    void aReasonWithoutAddressesStaysAsItIs() {
        String reason = "Couldn't connect to host, port: 127.0.0.1, 36759; timeout 5000 (Connection refused) at 2026-12-07T10:00:00Z";
        assertThat(MessageService.withoutAddresses(reason)).isEqualTo(reason);
    }
}
