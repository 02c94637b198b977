package io.touchpoint.channels;

import java.net.URI;
import java.util.Base64;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The public links in messages, reachable without a login ({@code /m/**}): open pixel, click redirect and
 * one-click unsubscribe (RFC 8058: {@code POST} with {@code List-Unsubscribe=One-Click}; {@code GET} shows a
 * confirmation page so that link scanners do not unsubscribe anyone). A forged or altered link answers 400.
 */
@RestController
@RequestMapping("/m")
class EngagementController {

    private static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private final Engagement engagement;

    EngagementController(Engagement engagement) {
        this.engagement = engagement;
    }

    @GetMapping("/o/{token}")
    ResponseEntity<byte[]> open(@PathVariable String token) {
        engagement.opened(token);
        return ResponseEntity.ok().contentType(MediaType.IMAGE_GIF).cacheControl(CacheControl.noStore()).body(PIXEL);
    }

    @GetMapping("/c/{token}")
    ResponseEntity<Void> click(@PathVariable String token) {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(engagement.clicked(token))).build();
    }

    @GetMapping(value = "/u/{token}", produces = MediaType.TEXT_HTML_VALUE)
    String confirmUnsubscribe(@PathVariable String token) {
        String channel = HtmlUtils.htmlEscape(engagement.channelOfUnsubscribe(token));
        return page("Unsubscribe", "<p>Stop receiving marketing " + channel + " from us?</p>"
                + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    @PostMapping(value = "/u/{token}", produces = MediaType.TEXT_HTML_VALUE)
    String unsubscribe(@PathVariable String token) {
        engagement.unsubscribe(token);
        return page("Unsubscribed", "<p>You are unsubscribed. You will not receive marketing messages on this channel any more.</p>");
    }

    @ExceptionHandler(LinkSigner.TamperedLinkException.class)
    ResponseEntity<String> tampered(LinkSigner.TamperedLinkException problem) {
        return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body("invalid link: " + problem.getMessage());
    }

    private static String page(String title, String content) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>" + content + "</body></html>";
    }
}
