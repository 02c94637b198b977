package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Click tracking of an email's links, on the real link signer with a fixed secret (no database, no Spring). */
class EngagementLinksTest {

    private static final String PUBLIC_URL = "https://touchpoint.example";
    private static final Pattern CLICK = Pattern.compile(Pattern.quote(PUBLIC_URL) + "/m/c/([A-Za-z0-9_.-]+)");

    private final EngagementLinks links = new EngagementLinks(new LinkSigner("a-test-secret", null, null), PUBLIC_URL + "/");

    @Test
    void doubleQuotedSingleQuotedAndUnquotedHrefsAllGoThroughAClickRedirect() {
        String html = "<p><a href=\"https://shop.example/cart?id=1&amp;utm=mail\">cart</a>"
                + " <a class='button' href='https://shop.example/offer'>offer</a>"
                + " <A HREF=https://shop.example/new>new</A></p>";

        String tracked = links.tracked(html, "m-1", null);

        assertThat(tracked).doesNotContain("href=\"https://shop.example", "href='https://shop.example", "HREF=https://shop.example");
        assertThat(targets(tracked)).containsExactly("https://shop.example/cart?id=1&utm=mail", "https://shop.example/offer",
                "https://shop.example/new");
        assertThat(tracked).contains("<A HREF=\"" + PUBLIC_URL + "/m/c/").contains("<a class='button' href='" + PUBLIC_URL + "/m/c/");
    }

    @Test
    void mailtoTelAnchorsRelativeLinksAndTheUnsubscribeLinkStayAsTheyAre() {
        String unsubscribe = links.unsubscribeUrl("m-2");
        String html = "<p><a href=\"mailto:help@shop.example\">mail</a> <a href='tel:+4915112345678'>call</a>"
                + " <a href=#top>top</a> <a href=\"/account\">account</a> <a href=\"" + unsubscribe + "\">unsubscribe</a></p>";

        String tracked = links.tracked(html, "m-2", null);

        assertThat(tracked).startsWith(html).doesNotContain("/m/c/");
    }

    @Test
    void everythingButTheRewrittenValuesIsLeftAsTheTemplateRenderedIt() {
        String html = "<html><body>\r\n<h1 style='color:red'>Hi &amp; welcome</h1><a href='https://shop.example/'>go</a>\r\n</body></html>";

        String tracked = links.tracked(html, "m-3", "Your cart misses you");

        String clickUrl = links.clickUrl("m-3", "https://shop.example/");
        assertThat(tracked).contains("\r\n<h1 style='color:red'>Hi &amp; welcome</h1><a href='" + clickUrl + "'>go</a>\r\n")
                .contains("mso-hide:all\">Your cart misses you</div>")
                .contains("<img src=\"" + links.openPixelUrl("m-3") + "\"");
    }

    private List<String> targets(String html) {
        List<String> targets = new ArrayList<>();
        Matcher click = CLICK.matcher(html);
        while (click.find()) {
            targets.add(links.verify(EngagementLinks.CLICK, click.group(1)).target());
        }
        return targets;
    }
}
