package io.touchpoint.channels;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Range;
import org.jsoup.parser.Parser;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The public links of a message: one-click unsubscribe, the open pixel and click redirects. Each carries only the
 * message's random id (and the target of a click), signed by {@link LinkSigner}; never an address or customer id.
 */
@Component
public class EngagementLinks {

    static final String UNSUBSCRIBE = "u";
    static final String OPEN = "o";
    static final String CLICK = "c";

    /** The links of a message, parsed once (jsoup parses a selector string again at every call). */
    private static final Evaluator ANCHORS = QueryParser.parse("a[href]");
    private static final Pattern EXTERNAL = Pattern.compile("https?://.+", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BODY_START = Pattern.compile("<body\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern BODY_END = Pattern.compile("</body\\s*>", Pattern.CASE_INSENSITIVE);

    private final LinkSigner signer;
    private final String publicUrl;

    EngagementLinks(LinkSigner signer, @Value("${touchpoint.channels.public-url}") String publicUrl) {
        this.signer = signer;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** What a verified link points at: the kind (u, o, c), the message id and, for a click, the target URL. */
    public record Link(String kind, String messageId, String target) {
    }

    public String unsubscribeUrl(String messageId) {
        return publicUrl + "/m/" + UNSUBSCRIBE + "/" + signer.sign(UNSUBSCRIBE + "|" + messageId);
    }

    public String openPixelUrl(String messageId) {
        return publicUrl + "/m/" + OPEN + "/" + signer.sign(OPEN + "|" + messageId);
    }

    public String clickUrl(String messageId, String target) {
        return publicUrl + "/m/" + CLICK + "/" + signer.sign(CLICK + "|" + messageId + "|" + target);
    }

    /** Checks a token from a link of the given kind; a forged or altered one throws {@link LinkSigner.TamperedLinkException}. */
    public Link verify(String kind, String token) {
        String[] parts = signer.verify(token).split("\\|", 3);
        if (!parts[0].equals(kind) || parts.length < 2 || (CLICK.equals(kind) != (parts.length == 3))) {
            throw new LinkSigner.TamperedLinkException("the link is not a valid '" + kind + "' link");
        }
        return new Link(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /**
     * The HTML with its preheader as hidden first text, every external link through a click redirect (not our own
     * links) and the open pixel at the end.
     */
    public String tracked(String html, String messageId, String preheader) {
        String clickTracked = clickTracked(html, messageId);
        String withPreheader = preheader == null || preheader.isBlank() ? clickTracked : insertAfterBodyStart(clickTracked,
                "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">" + escape(preheader) + "</div>");
        return insertBeforeBodyEnd(withPreheader,
                "<img src=\"" + openPixelUrl(messageId) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">");
    }

    /**
     * Each {@code <a href>} to an http(s) URL, double-, single- or unquoted, through a click redirect; mailto:, tel:,
     * anchors, relative and our own links (unsubscribe) stay. jsoup finds the attributes and where they are in the
     * source, and only their values are replaced: the rest of the HTML stays as the template rendered it.
     */
    private String clickTracked(String html, String messageId) {
        List<Element> anchors = Jsoup.parse(html, "", Parser.htmlParser().setTrackPosition(true)).select(ANCHORS);
        StringBuilder out = new StringBuilder(html);
        for (int i = anchors.size() - 1; i >= 0; i--) { // from the last, so the positions of those before stay right
            Element anchor = anchors.get(i);
            String target = anchor.attr("href").strip(); // entities decoded: &amp; is &
            Range value = anchor.attributes().sourceRange("href").valueRange();
            if (!value.isTracked() || !EXTERNAL.matcher(target).matches() || target.startsWith(publicUrl + "/m/")) {
                continue;
            }
            char before = html.charAt(value.startPos() - 1);
            String url = escape(clickUrl(messageId, target));
            out.replace(value.startPos(), value.endPos(), before == '"' || before == '\'' ? url : "\"" + url + "\"");
        }
        return out.toString();
    }

    private static String insertAfterBodyStart(String html, String insert) {
        Matcher start = BODY_START.matcher(html);
        return start.find() ? html.substring(0, start.end()) + insert + html.substring(start.end()) : insert + html;
    }

    private static String insertBeforeBodyEnd(String html, String insert) {
        Matcher end = BODY_END.matcher(html);
        return end.find() ? html.substring(0, end.start()) + insert + html.substring(end.start()) : html + insert;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
