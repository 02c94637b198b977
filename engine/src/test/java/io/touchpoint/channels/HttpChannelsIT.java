package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.channels.DeliveryLog.Status;
import io.touchpoint.profiles.CustomerProfile;

/** SMS, WhatsApp, push and webhooks through the real Camel routes to a local stub of the providers' HTTP APIs. */
class HttpChannelsIT extends ChannelsIT {

    private static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + TWILIO_ACCOUNT + "/Messages.json";

    @Autowired
    ObjectMapper json;
    @Autowired
    RateLimits rateLimits;

    @Test
    void anSmsGoesToTwilioAsAFormPostWithBasicAuthAndTheSidIsLogged() {
        PROVIDERS.answer(MESSAGES_PATH, 201, "{\"sid\": \"SM0123456789abcdef\", \"status\": \"queued\"}");
        String customer = customer(null, "+49 151 1234-5678", Map.of("firstName", "Ada"), Map.of());

        Delivery delivery = messages.send(orderShipped(key(), customer));

        ProviderStub.Received request = PROVIDERS.received(MESSAGES_PATH).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((TWILIO_ACCOUNT + ":" + TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(form(request.body())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "To", "+4915112345678",
                "From", "+15005550006",
                "Body", "Hi Ada, order o-1001 is on its way: https://track.example/o-1001"));
        assertThat(delivery.status()).isEqualTo(Status.SENT);
        assertThat(deliveries.find(delivery.idempotencyKey())).get().satisfies(entry -> {
            assertThat(entry.providerMessageId()).isEqualTo("SM0123456789abcdef");
            assertThat(entry.channel()).isEqualTo("sms");
            assertThat(entry.category()).isEqualTo("transactional");
        });
    }

    @Test
    void aTransactionalSmsReachesACustomerWhoRefusedMarketingSmsButNotOneWhoRefusedTransactional() {
        PROVIDERS.answer(MESSAGES_PATH, 201, "{\"sid\": \"SM1\"}");
        String noMarketing = customer(null, "+4915111111111", Map.of(), Map.of("sms", false));
        String noSmsAtAll = customer(null, "+4915122222222", Map.of(), Map.of("sms.transactional", false));

        assertThat(messages.send(orderShipped(key(), noMarketing)).status()).isEqualTo(Status.SENT);
        Delivery refused = messages.send(orderShipped(key(), noSmsAtAll));

        assertThat(refused.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(refused.reason()).isEqualTo("no consent for transactional sms");
        assertThat(PROVIDERS.received(MESSAGES_PATH)).hasSize(1);
    }

    @Test
    void anInvalidPhoneNumberIsSuppressedWithTheReasonAndNothingIsSent() {
        String customer = customer(null, "0151-not-a-number", Map.of(), Map.of());

        Delivery delivery = messages.send(orderShipped(key(), customer));

        assertThat(delivery.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(delivery.reason()).startsWith("invalid phone number");
        assertThat(PROVIDERS.received(MESSAGES_PATH)).isEmpty();
    }

    @Test
    void aProviderErrorIsRecordedAsFailedAndThrownSoTheStepIsRetried() {
        PROVIDERS.answer(MESSAGES_PATH, 500, "{\"message\": \"upstream unavailable\"}");
        String customer = customer(null, "+4915133333333", Map.of(), Map.of());
        MessageRequest request = orderShipped(key(), customer);

        assertThatThrownBy(() -> messages.send(request)).isInstanceOf(MessageFailedException.class).hasMessageContaining("500");
        assertThat(deliveries.find(request.idempotencyKey())).get().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(Status.FAILED);
            assertThat(entry.reason()).contains("500");
        });

        PROVIDERS.answer(MESSAGES_PATH, 201, "{\"sid\": \"SM-retry\"}");
        assertThat(messages.send(request).providerMessageId()).isEqualTo("SM-retry");
        assertThat(messages.send(request).status()).isEqualTo(Status.SENT);
        assertThat(PROVIDERS.received(MESSAGES_PATH)).as("the failed try and one retry; the third call sends nothing").hasSize(2);
    }

    @Test
    void aWhatsAppMessageUsesTwilioWithWhatsAppAddresses() {
        PROVIDERS.answer(MESSAGES_PATH, 201, "{\"sid\": \"SMwa\"}");
        String customer = customer(null, "+4915144444444", Map.of("firstName", "Wil"), Map.of());

        messages.send(new MessageRequest(key(), customer, Channel.WHATSAPP, "back-in-stock-whatsapp", CustomerProfile.MARKETING,
                Map.of("product", Map.of("name", "Linen dress", "url", "https://shop.example/p/1"))));

        Map<String, String> form = form(PROVIDERS.received(MESSAGES_PATH).get(0).body());
        assertThat(form).containsEntry("To", "whatsapp:+4915144444444").containsEntry("From", "whatsapp:+14155238886")
                .containsEntry("Body", "Hi Wil, the Linen dress is back in stock: https://shop.example/p/1");
    }

    @Test
    void aPushNotificationIsAJsonPostWithTheDeviceTokenAndABearerToken() throws Exception {
        PROVIDERS.answer("/push", 200, "{\"id\": \"push-77\"}");
        String customer = customer("pia@example.com", null, Map.of("pushToken", "device-token-1"), Map.of());

        Delivery delivery = messages.send(new MessageRequest(key(), customer, Channel.PUSH, "back-in-stock", CustomerProfile.MARKETING,
                Map.of("product", Map.of("name", "Linen dress", "url", "https://shop.example/p/1"))));

        ProviderStub.Received request = PROVIDERS.received("/push").get(0);
        JsonNode body = json.readTree(request.body());
        assertThat(request.header("Authorization")).isEqualTo("Bearer not-configured");
        assertThat(body.path("to").asText()).isEqualTo("device-token-1");
        assertThat(body.path("notification").path("title").asText()).isEqualTo("Linen dress is back");
        assertThat(body.path("notification").path("body").asText()).startsWith("The Linen dress you liked is back in stock");
        assertThat(delivery.providerMessageId()).isEqualTo("push-77");
    }

    @Test
    void aCustomerWithoutAPushTokenIsSuppressed() {
        String customer = customer("nopush@example.com", null, Map.of(), Map.of());

        Delivery delivery = messages.send(new MessageRequest(key(), customer, Channel.PUSH, "back-in-stock", CustomerProfile.MARKETING,
                Map.of("product", Map.of("name", "Linen dress", "url", "https://shop.example/p/1"))));

        assertThat(delivery.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(delivery.reason()).isEqualTo("no push token");
    }

    @Test
    void aWebhookPostsTheRenderedJsonWrappedWithTheMessageIds() throws Exception {
        String customer = customer("web@example.com", null, Map.of(), Map.of());

        Delivery delivery = messages.send(new MessageRequest(key(), customer, Channel.WEBHOOK, "crm-cart-abandoned",
                CustomerProfile.TRANSACTIONAL, Map.of("cartId", "k-9", "total", "42.50")));

        JsonNode body = json.readTree(PROVIDERS.received("/webhook").get(0).body());
        assertThat(body.path("customerId").asText()).isEqualTo(customer);
        assertThat(body.path("template").asText()).isEqualTo("crm-cart-abandoned");
        assertThat(body.path("payload").path("event").asText()).isEqualTo("cart_reminder_due");
        assertThat(body.path("payload").path("cartId").asText()).isEqualTo("k-9");
        assertThat(body.path("payload").path("total").decimalValue()).isEqualByComparingTo("42.50");
        assertThat(body.path("messageId").asText()).isEqualTo(delivery.providerMessageId()).isNotBlank();
    }

    @Test
    void theRateLimitHandsOutSlotsOneIntervalApartAcrossCallers() {
        String provider = "test-" + System.nanoTime();
        long now = 1_000_000_000L;

        List<Long> slots = IntStream.range(0, 5).mapToObj(i -> rateLimits.reserve(provider, 5, now)).toList();

        assertThat(slots).containsExactly(now, now + 200_000, now + 400_000, now + 600_000, now + 800_000);
        assertThat(rateLimits.reserve(provider, 5, now + 5_000_000)).as("an idle provider starts again at once").isEqualTo(now + 5_000_000);
    }

    @Test
    void aBurstOverTheSmsRateLimitIsQueuedNotDropped() {
        PROVIDERS.answer(MESSAGES_PATH, 201, "{\"sid\": \"SMburst\"}");
        String customer = customer(null, "+4915155555555", Map.of(), Map.of());
        int burst = 6;

        List<Delivery> deliveries = IntStream.range(0, burst)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> messages.send(orderShipped(key(), customer))))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(deliveries).extracting(Delivery::status).containsOnly(Status.SENT);
        List<ProviderStub.Received> received = PROVIDERS.received(MESSAGES_PATH);
        assertThat(received).hasSize(burst);
        Duration spread = Duration.between(received.get(0).at(), received.get(burst - 1).at());
        assertThat(spread).as("%d SMS at %s/s cannot arrive faster", burst, SMS_PER_SECOND)
                .isGreaterThanOrEqualTo(Duration.ofMillis((long) ((burst - 2) * 1000 / SMS_PER_SECOND)));
    }

    private static MessageRequest orderShipped(String key, String customer) {
        return new MessageRequest(key, customer, Channel.SMS, "order-shipped", CustomerProfile.TRANSACTIONAL,
                Map.of("order", Map.of("id", "o-1001", "trackingUrl", "https://track.example/o-1001")));
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2)).collect(Collectors.toMap(
                pair -> URLDecoder.decode(pair[0], StandardCharsets.UTF_8), pair -> URLDecoder.decode(pair[1], StandardCharsets.UTF_8)));
    }
}
