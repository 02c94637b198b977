package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.channels.DeliveryLog.Status;
import io.touchpoint.profiles.CustomerProfile;

/** Email through the real application and a GreenMail SMTP server: parts, personalisation, unsubscribe, tracking. */
class EmailDeliveryIT extends ChannelsIT {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    @Qualifier("eventIds")
    IdempotentRepository eventIds;

    @Test
    void emailHasPersonalisedTextAndHtmlPartsSubjectPreheaderAndOneClickUnsubscribeHeaders() throws Exception {
        String customer = customer("ada@example.com", null, Map.of("firstName", "Ada"), Map.of());

        Delivery delivery = messages.send(reminder(key(), customer));

        MimeMessage email = onlyEmail();
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");
        assertThat(email.getSubject()).isEqualTo("You left something in your cart");
        assertThat(part(email, "text/plain")).contains("Hello Ada,").contains("- Linen dress x 1 at 129.00")
                .contains("10% off your order with code COMEBACK10").doesNotContain("<");
        String html = part(email, "text/html");
        assertThat(html).contains("<li>Linen dress x 1 at 129.00</li>").contains("Hello Ada,")
                .contains("display:none").contains("Your 1 item(s) are still waiting for you")
                .contains("/m/o/").doesNotContain("href=\"https://shop.example/cart\"").contains("/m/c/");
        assertThat(email.getHeader("List-Unsubscribe")[0]).matches("<http://localhost:8080/m/u/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>");
        assertThat(email.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(delivery.status()).isEqualTo(Status.SENT);
        assertThat(delivery.providerMessageId()).isEqualTo(email.getMessageID());
        assertThat(deliveries.find(delivery.idempotencyKey())).get().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(Status.SENT);
            assertThat(entry.recipient()).isEqualTo("ada@example.com");
            assertThat(entry.subject()).isEqualTo("You left something in your cart");
            assertThat(entry.category()).isEqualTo("marketing");
            assertThat(entry.providerMessageId()).isEqualTo(email.getMessageID());
        });
    }

    @Test
    void aCustomerWithAGermanLocaleGetsTheGermanTemplate() throws Exception {
        String customer = customer("bea@example.com", null, Map.of("firstName", "Bea"), Map.of());
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"locale": "de-AT"}}""".formatted(customer));

        messages.send(reminder(key(), customer));

        assertThat(onlyEmail().getSubject()).isEqualTo("Sie haben etwas in Ihrem Warenkorb vergessen");
    }

    @Test
    void theOneClickUnsubscribeFlipsConsentWithoutLoginAndALaterSendIsSuppressed() throws Exception {
        String customer = customer("cy@example.com", null, Map.of(), Map.of());
        messages.send(reminder(key(), customer));
        String unsubscribe = unsubscribeLink(onlyEmail());

        HttpResponse<String> answer = oneClick(unsubscribe);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(profile(customer).consentsTo("email", CustomerProfile.MARKETING)).isFalse();
        assertThat(profile(customer).consentsTo("email", CustomerProfile.TRANSACTIONAL)).as("only marketing is withdrawn").isTrue();
        SMTP.purgeEmailFromAllMailboxes();
        Delivery later = messages.send(reminder(key(), customer));
        assertThat(later.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(later.reason()).isEqualTo("no consent for marketing email");
        assertThat(deliveries.find(later.idempotencyKey())).get().extracting(DeliveryLog.Entry::reason).isEqualTo("no consent for marketing email");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void theUnsubscribeLinkInTheFooterShowsAConfirmationPageAndChangesNothingByItself() throws Exception {
        String customer = customer("dee@example.com", null, Map.of(), Map.of());
        messages.send(reminder(key(), customer));

        HttpResponse<String> page = send(request(pathOf(unsubscribeLink(onlyEmail()))).GET().build());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"");
        assertThat(profile(customer).consentsTo("email", CustomerProfile.MARKETING)).isTrue();
    }

    @Test
    void aTamperedUnsubscribeLinkIsRefusedWith400AndChangesNothing() throws Exception {
        String customer = customer("eve@example.com", null, Map.of(), Map.of());
        messages.send(reminder(key(), customer));
        String link = unsubscribeLink(onlyEmail());
        String signature = link.substring(link.lastIndexOf('.') + 1);
        String tampered = link.substring(0, link.lastIndexOf('.') + 1) + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
        String forgedPayload = link.substring(0, link.lastIndexOf('/') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString("u|someone-else".getBytes(StandardCharsets.UTF_8))
                + "." + signature;

        assertThat(oneClick(tampered).statusCode()).isEqualTo(400);
        assertThat(oneClick(forgedPayload).statusCode()).isEqualTo(400);
        assertThat(send(request(pathOf(link).replace("/m/u/", "/m/o/")).GET().build()).statusCode()).as("an unsubscribe token is no open token").isEqualTo(400);
        assertThat(profile(customer).consentsTo("email", CustomerProfile.MARKETING)).isTrue();
        assertThat(events(customer, "unsubscribed")).isZero();
    }

    @Test
    void theOpenPixelAndATrackedClickBecomeEventsWithoutPersonalDataInTheUrl() throws Exception {
        String customer = customer("fay@example.com", null, Map.of("firstName", "Fay"), Map.of());
        messages.send(reminder(key(), customer));
        String html = part(onlyEmail(), "text/html");
        String pixel = attribute(html, "src=\"", "/m/o/");
        String click = attribute(html, "href=\"", "/m/c/");
        for (String url : List.of(pixel, click)) {
            String token = url.substring(url.lastIndexOf('/') + 1);
            String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
            assertThat(url + " " + payload).doesNotContain(customer).doesNotContain("fay@example.com").doesNotContain("Fay");
        }

        HttpResponse<String> opened = send(request(pathOf(pixel)).GET().build());
        send(request(pathOf(pixel)).GET().build());
        HttpResponse<String> clicked = send(request(pathOf(click)).GET().build());

        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(clicked.statusCode()).isEqualTo(302);
        assertThat(clicked.headers().firstValue("Location")).hasValue("https://shop.example/cart");
        assertThat(events(customer, "email_opened")).as("a second open is the same event").isOne();
        assertThat(events(customer, "link_clicked")).isOne();
        assertThat(send(request(pathOf(click) + "x").GET().build()).statusCode()).isEqualTo(400);
    }

    @Test
    void opensAndClicksGoThroughTheIntakeRouteSoARepeatIsItsDuplicate() throws Exception {
        String customer = customer("gil@example.com", null, Map.of(), Map.of());
        messages.send(reminder(key(), customer));
        String pixel = attribute(part(onlyEmail(), "text/html"), "src=\"", "/m/o/");
        String token = pixel.substring(pixel.lastIndexOf('/') + 1);
        String messageId = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8)
                .substring("o|".length());

        assertThat(send(request(pathOf(pixel)).GET().build()).statusCode()).isEqualTo(200);
        assertThat(eventIds.contains("email_opened:" + messageId)).as("remembered by the routes' idempotent consumer").isTrue();
        assertThat(send(request(pathOf(pixel)).GET().build()).statusCode()).isEqualTo(200);

        assertThat(events(customer, "email_opened")).isOne();
    }

    @Test
    void theSameIdempotencyKeyTwiceSendsOneEmail() {
        String customer = customer("gus@example.com", null, Map.of(), Map.of());
        String key = key();

        Delivery first = messages.send(reminder(key, customer));
        Delivery again = messages.send(reminder(key, customer));

        assertThat(first.status()).isEqualTo(Status.SENT);
        assertThat(again.status()).isEqualTo(Status.SENT);
        assertThat(again.providerMessageId()).isEqualTo(first.providerMessageId());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
    }

    @Test
    void anInvalidAddressIsSuppressedWithTheReason() {
        String customer = customer("not-an-address", null, Map.of(), Map.of());

        Delivery delivery = messages.send(reminder(key(), customer));

        assertThat(delivery.status()).isEqualTo(Status.SUPPRESSED);
        assertThat(delivery.reason()).startsWith("invalid email address");
        assertThat(deliveries.find(delivery.idempotencyKey())).get().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(Status.SUPPRESSED);
            assertThat(entry.recipient()).isEqualTo("not-an-address");
        });
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTemplateThatDoesNotRenderIsAVisibleFailureNeverAnEmptyEmail() {
        String customer = customer("hal@example.com", null, Map.of(), Map.of());
        MessageRequest withoutOffer = new MessageRequest(key(), customer, Channel.EMAIL, "abandoned-cart-reminder",
                CustomerProfile.MARKETING, Map.of("event", Map.of("items", List.of(), "total", 0)));

        assertThatThrownBy(() -> messages.send(withoutOffer)).isInstanceOf(MessageFailedException.class)
                .hasMessageContaining("offer");

        assertThat(deliveries.find(withoutOffer.idempotencyKey())).get().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(Status.FAILED);
            assertThat(entry.reason()).contains("abandoned-cart-reminder.en.yaml").contains("'offer");
        });
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void theTemplatePreviewRendersForACustomerWithoutSendingOrLogging() {
        String customer = customer("ida@example.com", null, Map.of("firstName", "Ida"), Map.of());

        HttpResponse<String> preview = post("/api/templates/abandoned-cart-reminder/preview", """
                {"customerId": "%s", "variables": {"event": {"items": [{"name": "Scarf", "quantity": 2, "price": "19.90"}],
                 "total": "39.80"}, "offer": {"code": "FREE_SHIPPING", "text": "free shipping on your order"}}}""".formatted(customer));
        HttpResponse<String> german = post("/api/templates/abandoned-cart-reminder/preview", """
                {"customerId": "%s", "locale": "de", "variables": {"event": {"items": [], "total": "0"}, "offer": {"code": "", "text": ""}}}""".formatted(customer));
        HttpResponse<String> missingVariable = post("/api/templates/abandoned-cart-reminder/preview", """
                {"customerId": "%s", "variables": {"event": {"items": []}}}""".formatted(customer));

        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("\"subject\":\"You left something in your cart\"")
                .contains("Hello Ida,").contains("Scarf x 2 at 19.90").contains("free shipping on your order");
        assertThat(german.body()).contains("Sie haben etwas in Ihrem Warenkorb vergessen");
        assertThat(missingVariable.statusCode()).isEqualTo(400);
        assertThat(missingVariable.body()).contains("does not exist");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }

    @Test
    void savingATemplateWithAnUnknownVariableIsRefusedAndAGoodOneIsAccepted() {
        HttpResponse<String> refused = put("/api/templates/welcome-test/en", """
                channel: sms
                category: transactional
                example: {shop: Touchpoint}
                text: "Welcome to {{ shpo }}"
                """);
        HttpResponse<String> syntax = put("/api/templates/welcome-test/en", """
                channel: sms
                example: {shop: Touchpoint}
                text: "Welcome to {{ shop "
                """);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("welcome-test.en.yaml").contains("shpo");
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(syntax.body()).contains("does not parse");
        assertThat(get("/api/templates").body()).doesNotContain("welcome-test");
    }

    private HttpResponse<String> put(String path, String yaml) {
        return send(request(path).header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)).build());
    }

    static MessageRequest reminder(String key, String customer) {
        return new MessageRequest(key, customer, Channel.EMAIL, "abandoned-cart-reminder", CustomerProfile.MARKETING, Map.of(
                "event", Map.of("items", List.of(Map.of("name", "Linen dress", "quantity", 1, "price", 129.0)), "total", 129.0),
                "offer", Map.of("code", "PERCENT_10", "text", "10% off your order with code COMEBACK10")));
    }

    private MimeMessage onlyEmail() {
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length >= 1);
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        return SMTP.getReceivedMessages()[0];
    }

    private HttpResponse<String> oneClick(String url) {
        return send(request(pathOf(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
    }

    private long events(String customer, String type) {
        return jdbc.queryForObject("select count(*) from customer_event where customer_id = ? and type = ?", Long.class, customer, type);
    }

    private static String unsubscribeLink(MimeMessage email) throws Exception {
        String header = email.getHeader("List-Unsubscribe")[0];
        return header.substring(1, header.length() - 1);
    }

    private static String pathOf(String url) {
        return URI.create(url).getRawPath();
    }

    private static String attribute(String html, String prefix, String containing) {
        int at = html.indexOf(containing);
        int start = html.lastIndexOf(prefix, at) + prefix.length();
        return html.substring(start, html.indexOf('"', start));
    }

    static String part(Part part, String type) throws Exception {
        if (part.isMimeType(type)) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = part(child, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
